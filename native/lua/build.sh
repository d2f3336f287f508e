#!/usr/bin/env bash
# Builds keyraft-lua.wasm (the Lua engine src/scripting/lua-runtime.ts loads) from Redis 7.0.15's
# Lua (redis-lua/) and keyraft_lua.c. The built file is committed, so neither `npm ci` nor CI
# needs a C toolchain; rebuild after changing either, with Debian's packages:
#   apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-clang-14}
cat > /tmp/keyraft-lua-imports.syms <<'SYMS'
kr_throw
kr_invoke
SYMS
"$CC" --target=wasm32-wasi -mexec-model=reactor -O2 -mmutable-globals \
  -DKEYRAFT_WASM -DLUA_ANSI -DENABLE_CJSON_GLOBAL -DREDIS_STATIC= \
  -Wall -Wno-unused-function -Wno-unused-but-set-variable -Wno-string-plus-int -Iredis-lua \
  redis-lua/*.c keyraft_lua.c \
  -Wl,--export=__stack_pointer -Wl,--allow-undefined-file=/tmp/keyraft-lua-imports.syms \
  -Wl,-z,stack-size=4194304 -Wl,--stack-first -Wl,--initial-memory=33554432 -Wl,--max-memory=536870912 \
  -Wl,--export-table -Wl,--strip-all \
  -o keyraft-lua.wasm
ls -l keyraft-lua.wasm
