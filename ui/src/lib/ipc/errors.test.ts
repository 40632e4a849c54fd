import { describe, expect, it } from "vitest";
import { isIpcError, messageOf } from "./index";

describe("messageOf", () => {
  it("reads the sentence of an IpcError", () => {
    const e = { code: "invalidInput", message: "A container name has 3 to 63 characters." };
    expect(isIpcError(e)).toBe(true);
    expect(messageOf(e)).toBe("A container name has 3 to 63 characters.");
  });

  it("falls back for framework errors", () => {
    expect(messageOf("command not allowed")).toBe("command not allowed");
    expect(messageOf(new Error("boom"))).toBe("boom");
  });
});
