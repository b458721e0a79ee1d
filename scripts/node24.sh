# Sourced by scripts/test.sh and .ci/run: puts Node >= 24 on PATH, installing it from the npm registry
# (the `node` package ships the binary) into .tools/ when the machine's Node is older.
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 24 ]; then
  tools="$(pwd)/.tools"
  if [ ! -x "$tools/node_modules/node/bin/node" ]; then
    echo "Installing Node 24 into .tools/ (machine has Node ${major})"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund node@24 >/dev/null
  fi
  export PATH="$tools/node_modules/node/bin:$PATH"
fi
echo "Using Node $(node --version)"
