#!/usr/bin/env bash
# Checks that the C++ sources follow .clang-format (clang-format --dry-run -Werror, Debian's
# clang-format package). Lists each file that would change and exits 1 if there is any.
#
#   tools/check_format.sh            check every C++ file of the repository (core, tools, tests, web)
#   tools/check_format.sh FILE...    check these files only
#   tools/check_format.sh --fix ...  reformat the files in place instead
#
# Registered as the ctest test `format` when CMake's CITYMAP_CHECK_FORMAT is ON (tests/CMakeLists.txt).
# CLANG_FORMAT picks another binary. Exit status: 0 formatted, 1 files to reformat, 2 usage error,
# 77 clang-format is not installed (ctest: skipped).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clang_format="${CLANG_FORMAT:-clang-format}"

fix=0
if [ "${1:-}" = "--fix" ]; then
  fix=1
  shift
fi
case "${1:-}" in
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "check_format: unknown option $1 (see --help)" >&2; exit 2 ;;
esac
if ! command -v "$clang_format" >/dev/null 2>&1; then
  echo "SKIPPED: $clang_format not found (apt-get install clang-format; tools/bootstrap.sh installs it)"
  exit 77
fi

cd "$root"
files=()
if [ "$#" -gt 0 ]; then
  files=("$@")
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and new (not ignored) files: third_party, .cache and build are never listed.
  while IFS= read -r -d '' f; do
    [ -f "$f" ] && files+=("$f")
  done < <(git ls-files -z --cached --others --exclude-standard -- \
             'core/*.cpp' 'core/*.hpp' 'core/*.h' 'tools/*.cpp' 'tools/*.hpp' 'tools/*.h' \
             'tests/*.cpp' 'tests/*.hpp' 'tests/*.h' 'web/*.cpp' 'web/*.hpp')
else
  while IFS= read -r -d '' f; do files+=("$f"); done < <(
    find core tools tests web -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -print0 | sort -z)
fi

if [ "$fix" = 1 ]; then
  "$clang_format" -i --style=file "${files[@]}"
  echo "check_format: formatted ${#files[@]} files"
  exit 0
fi

bad=0
for f in "${files[@]}"; do
  if ! "$clang_format" --dry-run -Werror --style=file "$f" >/dev/null 2>&1; then
    echo "needs formatting: $f"
    bad=$((bad + 1))
  fi
done
echo "check_format: $bad of ${#files[@]} C++ files need formatting ($("$clang_format" --version | head -n1))"
if [ "$bad" -gt 0 ]; then
  echo "check_format: fix with: tools/check_format.sh --fix   (then review the diff)"
  exit 1
fi
