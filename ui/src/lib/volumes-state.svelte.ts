// What is being composed for a job or notebook, kept while the user browses
// other views: the launch form (its volumes, fed by drops from the storage
// browser, and the image, flavor, variables and command a pasted ovhai
// command or the launch dialog fill in).
import { emptyForm } from "./jobs";

export const composer = $state({
  form: emptyForm("job"),
  jobRegion: "",
  setName: "",
});
