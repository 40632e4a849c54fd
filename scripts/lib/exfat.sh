# A Windows-like disk for the tests of local names: a 256 MB exFAT image,
# mounted through FUSE on a loop device (root, exfat-fuse and exfatprogs).
# exFAT ignores case and refuses `: * ? " < > |`, as NTFS does and as a
# USB drive of datasets usually is. Exports STOWAGE_TEST_EXFAT (the mount)
# or, where it cannot be made, STOWAGE_TEST_EXFAT_SKIP (why).
# Source this file, then call exfat_start; exfat_stop runs from the
# caller's EXIT trap.

exfat_start() {
  EXFAT_DIR=$(mktemp -d -t stowage-exfat.XXXXXX)
  local why=""
  if [ "$(id -u)" -ne 0 ]; then
    why="mounting a disk image needs root"
  elif [ ! -e /dev/loop-control ] && ! ls /dev/loop[0-9]* >/dev/null 2>&1; then
    why="this machine has no loop devices"
  elif [ ! -e /dev/fuse ]; then
    why="this machine has no /dev/fuse"
  fi
  if [ -z "$why" ]; then
    truncate -s 256M "$EXFAT_DIR/disk.img"
    mkfs.exfat -q "$EXFAT_DIR/disk.img" >/dev/null 2>&1 || mkfs.exfat "$EXFAT_DIR/disk.img" >/dev/null
    mkdir -p "$EXFAT_DIR/mnt"
    if EXFAT_LOOP=$(losetup -f --show "$EXFAT_DIR/disk.img" 2>/dev/null) &&
      mount.exfat-fuse "$EXFAT_LOOP" "$EXFAT_DIR/mnt" >/dev/null 2>&1; then
      export STOWAGE_TEST_EXFAT=$EXFAT_DIR/mnt
      echo "exFAT (FUSE) mounted at $STOWAGE_TEST_EXFAT from $EXFAT_LOOP"
      return 0
    fi
    why="a loop device or the FUSE mount could not be set up"
  fi
  export STOWAGE_TEST_EXFAT_SKIP=$why
  echo "No exFAT disk for the local-name tests: $why. They are left out (not counted)."
}

exfat_stop() {
  if [ -n "${STOWAGE_TEST_EXFAT:-}" ]; then
    umount "$STOWAGE_TEST_EXFAT" 2>/dev/null || fusermount -u "$STOWAGE_TEST_EXFAT" 2>/dev/null || true
  fi
  [ -n "${EXFAT_LOOP:-}" ] && losetup -d "$EXFAT_LOOP" 2>/dev/null
  [ -n "${EXFAT_DIR:-}" ] && rm -rf "$EXFAT_DIR"
  return 0
}
