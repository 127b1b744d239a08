# copy-repo.sh: sourced by the scripts that build in a throw-away copy of the
# repository, so that they never touch the working tree.

# copy_repo ROOT DEST copies the tracked files of ROOT's working tree, as
# they are now (uncommitted edits included), to DEST. Untracked files stay
# behind: other people's unfinished work, the installed vendor spec, builds.
copy_repo() {
  local root=$1 dest=$2
  mkdir -p "$dest"
  (cd "$root" && git ls-files -z | while IFS= read -r -d '' f; do
    # A tracked file deleted in the working tree is not copied.
    [ -e "$f" ] && printf '%s\0' "$f"
  done | tar --null -T - -cf -) | tar -xf - -C "$dest"
}
