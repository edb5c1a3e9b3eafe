# Sourced by scripts/serve and scripts/test: make .venv hold exactly the locked
# dependencies in the lock file named by $1. Safe to run again: it reinstalls only
# when the lock file changed since the last install.
set -euo pipefail

lock_file="$1"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: Python 3.11 or newer is needed as '$python' (set PYTHON=/path/to/python3.11)." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtual environment in .venv ..."
    "$python" -m venv .venv || {
        echo "error: '$python -m venv' failed; on Debian or Ubuntu install python3-venv." >&2
        exit 1
    }
fi

stamp=".venv/.installed-$(basename "$lock_file")-$(cksum < "$lock_file" | cut -d' ' -f1)"
if [ ! -f "$stamp" ]; then
    echo "Installing dependencies from $lock_file ..."
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock_file"
    rm -f .venv/.installed-"$(basename "$lock_file")"-*
    touch "$stamp"
fi
