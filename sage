#!/bin/sh
# The sage command from a clone of this repository (after `npm run setup`): `./sage run job.ts`.
# To call it `sage` from any folder, link this file onto your PATH: ln -s "$PWD/sage" ~/.local/bin/sage
here=$(dirname "$(readlink -f "$0")")
bin="$here/packages/cli/dist/bin.js"
if [ ! -f "$bin" ]; then
  echo "sage: $bin is not built yet: run 'npm run setup' in $here first" >&2
  exit 2
fi
# How the user called us, so that messages naming a command name one that works for them.
if [ -z "${SAGE_COMMAND:-}" ]; then
  name=$(basename "$0")
  if [ "$(command -v "$name" 2>/dev/null)" = "$0" ]; then SAGE_COMMAND=$name; else SAGE_COMMAND=$0; fi
fi
SAGE_COMMAND=$SAGE_COMMAND exec node "$bin" "$@"
