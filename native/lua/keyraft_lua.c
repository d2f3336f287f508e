/*
 * keyraft's Lua engine: Redis 7.0.15's own Lua 5.1 (redis-lua/, with its readonly tables, cjson,
 * cmsgpack, struct and bit) compiled to WebAssembly, and this glue, which gives it Redis's
 * scripting environment and a small call interface for src/scripting/lua-runtime.ts.
 *
 * What it owns, and why it exists (rather than a ready-made package): scripts are compiled once
 * and kept as functions in the Lua registry (EVALSHA and FCALL then only call them, as Redis
 * does), and everything a script sees follows Redis's src/script_lua.c, eval.c and rand.c
 * (globals allow list and lock, redis.* API and its error texts, reply conversions both ways,
 * math.random, the error handler that records where an error was raised). Commands themselves
 * run in the host: redis.call hands the argument vector to the host_call import and gets the
 * reply back in the wire format described below.
 *
 * Wire format shared with the host (both directions): the value encoding of keyraft's WASM
 * function ABI (src/scripting/wasm-codec.ts, docs/WASM-FUNCTIONS.md), so one encoder serves
 * both engines. A value is a tag byte and its payload, little-endian:
 *   NIL 0 | INT 1 i64 | BULK 2 u32 len, bytes | STATUS 3 u32 len, bytes | ERROR 4 u32 len, bytes
 *   ARRAY 5 u32 n, n values | BOOL 6 u8 | DOUBLE 7 f64 | MAP 8 u32 n, 2n values | SET 9 u32 n,
 *   n values | BIGNUM 10 u32 len, digits | VERBATIM 11 u32 len, format, u32 len, text
 * A run's result is one value, or RAISED 15: [u32 len][message][line:i32][flags:u8]
 * [u32 len][source] for an error raised out of the script (flags bit 0: the error came from a
 * command, whose error statistics the host already counted; bit 1: not an error table).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"
/* Lua's internals, for its string buffer (kr_run gives a big one back). */
#include "lstate.h"
#include "lzio.h"

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

/* Runs one command for redis.call (pcall = 0) or redis.pcall (1), its reply shaped for the
 * script's RESP version: the arguments are the block at args ([count:u32] then [len:u32][bytes]
 * each); the host writes the reply into small_reply when it fits (SMALL_REPLY_BYTES), else into
 * the area kr_reply_area gave it, and returns its length. */
IMPORT(host_call) uint32_t host_call(int pcall, int resp, const uint8_t *args, uint32_t len);
IMPORT(host_log) void host_log(int level, const char *msg, uint32_t len);
IMPORT(host_sha1hex) void host_sha1hex(const char *data, uint32_t len, char *out40);
/* redis.acl_check_cmd: 1 allowed, 0 denied, -1 no such command. */
IMPORT(host_acl_check) int host_acl_check(const uint8_t *args, uint32_t len);

enum { TAG_NULL = 0, TAG_INT = 1, TAG_BULK = 2, TAG_STATUS = 3, TAG_ERROR = 4, TAG_ARRAY = 5,
       TAG_BOOL = 6, TAG_DOUBLE = 7, TAG_MAP = 8, TAG_SET = 9, TAG_BIGNUM = 10, TAG_VERBATIM = 11,
       TAG_RAISED = 15 };

/* How a compiled chunk is run (kr_run). */
enum { MODE_EVAL = 0, MODE_FUNCTION = 1, MODE_LOAD = 2 };

static lua_State *L = NULL;
static int err_handler_ref = LUA_NOREF;
static int runner_ref = LUA_NOREF;
/* The RESP version the running script chose with redis.setresp (2 at the start of each run). */
static int script_resp = 2;
/* Set while a script runs: the redis.* functions and math.random refuse to work outside one. */
static int running = 0;

/* ---- growable buffers (bounded by the module's memory, which the linker caps) ---- */

typedef struct { uint8_t *p; uint32_t len, cap; } Buf;

/* Where the host writes a redis.call reply of up to SMALL_REPLY_BYTES (most replies) with no
 * call into the module first; its address is fixed for the module's life (kr_small_reply). */
#define SMALL_REPLY_BYTES 4096
static uint8_t small_reply[SMALL_REPLY_BYTES];

static Buf out;   /* a run's result, or a compile error's text */
static Buf args;  /* a redis.call argument block */
static Buf reply; /* where the host writes a redis.call reply */

/* Buffers past this size are given back after each use (buf_shrink, and at the end of a run). */
#define BUF_KEPT_BYTES_MAX (1024 * 1024)

/* Grows by doubling, but a big buffer by at most a quarter more than it needs: the module's
 * memory is the script's too (a 130 MB reply must not take 256 MB). */
static int buf_reserve(Buf *b, uint32_t extra) {
  uint64_t need = (uint64_t)b->len + extra;
  if (need <= b->cap) return 1;
  uint64_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  uint64_t slack = need / 4 > BUF_KEPT_BYTES_MAX ? need / 4 : BUF_KEPT_BYTES_MAX;
  if (cap > need + slack) cap = need + slack;
  if (cap > 0x7fffffff) return 0;
  uint8_t *p = realloc(b->p, (size_t)cap);
  if (p == NULL) return 0;
  b->p = p;
  b->cap = (uint32_t)cap;
  return 1;
}

/* Room for exactly n bytes from the start (len 0): a big one is allocated at its size, after
 * the old one is given back (never both at once). */
static int buf_exact(Buf *b, uint32_t n) {
  b->len = 0;
  if (n <= b->cap && (n <= BUF_KEPT_BYTES_MAX || b->cap - n <= n / 4)) return 1;
  if (n <= BUF_KEPT_BYTES_MAX && b->cap <= BUF_KEPT_BYTES_MAX) return buf_reserve(b, n);
  free(b->p);
  b->p = malloc(n);
  b->cap = b->p != NULL ? n : 0;
  return b->p != NULL;
}

/* A buffer that grew large for one reply is given back afterwards. */
static void buf_shrink(Buf *b) {
  if (b->cap > BUF_KEPT_BYTES_MAX) {
    free(b->p);
    b->p = NULL;
    b->cap = 0;
  }
  b->len = 0;
}

/* Set when a put_* into `out` ran out of memory: the value being encoded is then incomplete
 * (the encoder still walks it, so the Lua stack stays balanced) and the run reports an error. */
static int out_failed = 0;

static void put_header(Buf *b, int tag, uint32_t n) {
  if (!buf_reserve(b, 5)) {
    out_failed = 1;
    return;
  }
  uint8_t *p = b->p + b->len;
  p[0] = (uint8_t)tag;
  memcpy(p + 1, &n, 4);
  b->len += 5;
}

static void put_bytes(Buf *b, const void *s, uint32_t n) {
  if (!buf_reserve(b, n)) {
    out_failed = 1;
    return;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static void put_tag(Buf *b, int tag) {
  uint8_t t = (uint8_t)tag;
  put_bytes(b, &t, 1);
}

/* A tag, a u32 length and the bytes (bulk, status, error, big number). */
static void put_string(Buf *b, int tag, const void *s, size_t n) {
  put_header(b, tag, (uint32_t)n);
  put_bytes(b, s, (uint32_t)n);
}

/* Turns CR and LF in the last n bytes written into spaces (status and big number replies). */
static void blank_newlines(Buf *b, uint32_t n) {
  if (out_failed) return;
  for (uint8_t *c = b->p + b->len - n; c < b->p + b->len; c++)
    if (*c == '\r' || *c == '\n') *c = ' ';
}

/* ---- errors as Redis shapes them ---- */

/* Redis's luaPushErrorBuff: "-CODE message" keeps its code, anything else gets ERR; trailing
 * CR/LF trimmed; pushes {err = "CODE message"}. */
static void push_error_buff(lua_State *l, const char *text, size_t len) {
  const char *code = "ERR", *msg = text;
  size_t code_len = 3, msg_len = len;
  if (len > 0 && text[0] == '-') {
    const char *space = memchr(text, ' ', len);
    if (space == NULL) {
      msg = text + 1;
      msg_len = len - 1;
    } else {
      code = text + 1;
      code_len = (size_t)(space - text - 1);
      msg = space + 1;
      msg_len = len - (size_t)(space + 1 - text);
    }
  }
  /* sdstrim(msg, "\r\n") trims both ends. */
  while (msg_len > 0 && (msg[0] == '\r' || msg[0] == '\n')) msg++, msg_len--;
  while (msg_len > 0 && (msg[msg_len - 1] == '\r' || msg[msg_len - 1] == '\n')) msg_len--;
  lua_newtable(l);
  lua_pushliteral(l, "err");
  luaL_Buffer b;
  luaL_buffinit(l, &b);
  luaL_addlstring(&b, code, code_len);
  luaL_addchar(&b, ' ');
  luaL_addlstring(&b, msg, msg_len);
  luaL_pushresult(&b);
  lua_rawset(l, -3);
}

static void push_error(lua_State *l, const char *text) { push_error_buff(l, text, strlen(text)); }

static int raise_error(lua_State *l, const char *text) {
  push_error(l, text);
  return lua_error(l);
}

/* ---- redis.call / redis.pcall ---- */

/* Redis's luaArgsToRedisArgv into the argument block; 0 with an error table pushed when an
 * argument is neither a string nor a number (or there is none). */
static int build_args(lua_State *l) {
  int argc = lua_gettop(l);
  if (argc == 0) {
    push_error(l, "Please specify at least one argument for this redis lib call");
    return 0;
  }
  /* The block's size first, so it is allocated once, at its size. */
  uint64_t total = 4;
  for (int j = 1; j <= argc; j++) {
    size_t n = 0;
    if (lua_type(l, j) == LUA_TNUMBER) n = 64;
    else if (lua_tolstring(l, j, &n) == NULL) break; /* the error is found below */
    total += 4 + (uint64_t)n;
  }
  if (total > 0x7fffffff || !buf_exact(&args, (uint32_t)total)) luaL_error(l, "not enough memory");
  uint32_t count = (uint32_t)argc;
  memcpy(args.p, &count, 4);
  args.len = 4;
  for (int j = 1; j <= argc; j++) {
    const char *s;
    size_t n;
    char dbuf[64];
    if (lua_type(l, j) == LUA_TNUMBER) {
      /* Not lua_tolstring: Lua's "%.14g" loses precision; Redis 7.0 formats with "%.17g". */
      n = (size_t)snprintf(dbuf, sizeof dbuf, "%.17g", (double)lua_tonumber(l, j));
      s = dbuf;
    } else {
      s = lua_tolstring(l, j, &n);
      if (s == NULL) {
        lua_pop(l, argc);
        push_error(l, "Lua redis lib command arguments must be strings or integers");
        return 0;
      }
    }
    uint32_t len = (uint32_t)n;
    if (!buf_reserve(&args, 4 + len)) luaL_error(l, "not enough memory");
    memcpy(args.p + args.len, &len, 4);
    memcpy(args.p + args.len + 4, s, n);
    args.len += 4 + len;
  }
  lua_pop(l, argc);
  return 1;
}

static uint32_t rd32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* Reads n bytes at *p (NULL when the reply is shorter). */
static const uint8_t *take(const uint8_t **p, const uint8_t *end, uint32_t n) {
  if ((uint64_t)(end - *p) < n) return NULL;
  const uint8_t *at = *p;
  *p += n;
  return at;
}

/* A u32 length and that many bytes; NULL when the reply is shorter. */
static const uint8_t *take_bytes(const uint8_t **p, const uint8_t *end, uint32_t *n) {
  const uint8_t *len = take(p, end, 4);
  if (len == NULL) return NULL;
  *n = rd32(len);
  return take(p, end, *n);
}

/* Pushes {field = <n bytes at s>}: a status reply ({ok=}) or a big number ({big_number=}). */
static void push_string_field_table(lua_State *l, const char *field, const uint8_t *s, uint32_t n) {
  lua_createtable(l, 0, 1);
  lua_pushstring(l, field);
  lua_pushlstring(l, (const char *)s, n);
  lua_rawset(l, -3);
}

/* Redis's redisProtocolToLuaType over the wire format: pushes one value, returns where the
 * next begins (NULL on a malformed reply). */
static const uint8_t *push_reply(lua_State *l, const uint8_t *p, const uint8_t *end) {
  const uint8_t *t = take(&p, end, 1), *s;
  uint32_t n;
  if (t == NULL) return NULL;
  if (!lua_checkstack(l, 4)) luaL_error(l, "reached lua stack limit");
  switch (*t) {
    case TAG_NULL:
      /* RESP2's null bulk and null array are false; RESP3's null is nil. */
      if (script_resp == 3) lua_pushnil(l);
      else lua_pushboolean(l, 0);
      return p;
    case TAG_INT: {
      if ((s = take(&p, end, 8)) == NULL) return NULL;
      int64_t v;
      memcpy(&v, s, 8);
      lua_pushnumber(l, (lua_Number)v);
      return p;
    }
    case TAG_BULK:
      if ((s = take_bytes(&p, end, &n)) == NULL) return NULL;
      lua_pushlstring(l, (const char *)s, n);
      return p;
    case TAG_STATUS:
      if ((s = take_bytes(&p, end, &n)) == NULL) return NULL;
      push_string_field_table(l, "ok", s, n);
      return p;
    case TAG_ERROR: {
      if ((s = take_bytes(&p, end, &n)) == NULL) return NULL;
      luaL_Buffer b;
      luaL_buffinit(l, &b);
      luaL_addchar(&b, '-');
      luaL_addlstring(&b, (const char *)s, n);
      luaL_pushresult(&b);
      size_t len;
      const char *text = lua_tolstring(l, -1, &len);
      push_error_buff(l, text, len);
      lua_remove(l, -2);
      lua_pushliteral(l, "ignore_error_stats_update");
      lua_pushboolean(l, 1);
      lua_rawset(l, -3);
      return p;
    }
    case TAG_BOOL:
      if ((s = take(&p, end, 1)) == NULL) return NULL;
      lua_pushboolean(l, *s != 0);
      return p;
    case TAG_DOUBLE: {
      if ((s = take(&p, end, 8)) == NULL) return NULL;
      double d;
      memcpy(&d, s, 8);
      lua_newtable(l);
      lua_pushliteral(l, "double");
      lua_pushnumber(l, d);
      lua_rawset(l, -3);
      return p;
    }
    case TAG_BIGNUM:
      if ((s = take_bytes(&p, end, &n)) == NULL) return NULL;
      push_string_field_table(l, "big_number", s, n);
      return p;
    case TAG_VERBATIM: {
      uint32_t fn;
      const uint8_t *format = take_bytes(&p, end, &fn);
      if (format == NULL || (s = take_bytes(&p, end, &n)) == NULL) return NULL;
      lua_newtable(l);
      lua_pushliteral(l, "verbatim_string");
      lua_newtable(l);
      lua_pushliteral(l, "format");
      lua_pushlstring(l, (const char *)format, fn);
      lua_rawset(l, -3);
      lua_pushliteral(l, "string");
      lua_pushlstring(l, (const char *)s, n);
      lua_rawset(l, -3);
      lua_rawset(l, -3);
      return p;
    }
    case TAG_ARRAY:
      if ((s = take(&p, end, 4)) == NULL) return NULL;
      n = rd32(s);
      lua_createtable(l, n < 1024 ? (int)n : 1024, 0);
      for (uint32_t i = 0; i < n; i++) {
        if ((p = push_reply(l, p, end)) == NULL) return NULL;
        lua_rawseti(l, -2, (int)i + 1);
      }
      return p;
    case TAG_MAP:
      if ((s = take(&p, end, 4)) == NULL) return NULL;
      n = rd32(s);
      lua_newtable(l);
      lua_pushliteral(l, "map");
      lua_newtable(l);
      for (uint32_t i = 0; i < n; i++) {
        if ((p = push_reply(l, p, end)) == NULL) return NULL;
        if ((p = push_reply(l, p, end)) == NULL) return NULL;
        if (lua_isnil(l, -2)) lua_pop(l, 2); /* a nil key cannot be stored */
        else lua_rawset(l, -3);
      }
      lua_rawset(l, -3);
      return p;
    case TAG_SET:
      if ((s = take(&p, end, 4)) == NULL) return NULL;
      n = rd32(s);
      lua_newtable(l);
      lua_pushliteral(l, "set");
      lua_newtable(l);
      for (uint32_t i = 0; i < n; i++) {
        if ((p = push_reply(l, p, end)) == NULL) return NULL;
        if (lua_isnil(l, -1)) lua_pop(l, 1);
        else {
          lua_pushboolean(l, 1);
          lua_rawset(l, -3);
        }
      }
      lua_rawset(l, -3);
      return p;
    default:
      return NULL;
  }
}

/* Redis's luaRedisGenericCommand. */
static int redis_generic_call(lua_State *l, int raise) {
  if (!running) return raise_error(l, "redis.call/pcall can only be called inside a script invocation");
  if (!build_args(l)) return raise ? lua_error(l) : 1;
  uint32_t n = host_call(!raise, script_resp, args.p, args.len);
  /* A reply that fits is in small_reply (the host writes it there without asking), a bigger
   * one in the area kr_reply_area gave for it. */
  const uint8_t *src = n <= SMALL_REPLY_BYTES ? small_reply : reply.p;
  if (n > SMALL_REPLY_BYTES && n > reply.cap) return raise_error(l, "ERR reply too large for the script interpreter");
  if (n == 0 || push_reply(l, src, src + n) == NULL) {
    lua_settop(l, 0);
    return raise_error(l, "ERR malformed reply from the server");
  }
  buf_shrink(&args);
  if (raise && src[0] == TAG_ERROR) return lua_error(l);
  return 1;
}

static int redis_call(lua_State *l) { return redis_generic_call(l, 1); }
static int redis_pcall(lua_State *l) { return redis_generic_call(l, 0); }

/* The global pcall of Redis 7 (luaRedisPcall): an error table caught becomes its err text. */
static int lua_pcall_compat(lua_State *l) {
  int argc = lua_gettop(l);
  lua_pushboolean(l, 1);
  lua_insert(l, 1);
  if (lua_pcall(l, argc - 1, LUA_MULTRET, 0)) {
    lua_remove(l, 1);
    if (lua_istable(l, -1)) {
      lua_getfield(l, -1, "err");
      if (lua_isstring(l, -1)) lua_replace(l, -2);
      else lua_pop(l, 1);
    }
    lua_pushboolean(l, 0);
    lua_insert(l, 1);
  }
  return lua_gettop(l);
}

/* ---- the rest of the redis.* API ---- */

static int redis_sha1hex(lua_State *l) {
  if (lua_gettop(l) != 1) return raise_error(l, "wrong number of arguments");
  size_t len;
  const char *s = lua_tolstring(l, 1, &len);
  char digest[40];
  host_sha1hex(s == NULL ? "" : s, s == NULL ? 0 : (uint32_t)len, digest);
  lua_pushlstring(l, digest, 40);
  return 1;
}

static int redis_error_reply(lua_State *l) {
  if (lua_gettop(l) != 1 || lua_type(l, -1) != LUA_TSTRING) {
    push_error(l, "wrong number or type of arguments");
    return 1;
  }
  size_t len;
  const char *err = lua_tolstring(l, -1, &len);
  if (len > 0 && err[0] == '-') {
    push_error_buff(l, err, strlen(err));
  } else {
    lua_pushfstring(l, "-%s", err);
    size_t n;
    const char *text = lua_tolstring(l, -1, &n);
    push_error_buff(l, text, n);
  }
  return 1;
}

static int redis_status_reply(lua_State *l) {
  if (lua_gettop(l) != 1 || lua_type(l, -1) != LUA_TSTRING) {
    push_error(l, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(l);
  lua_pushliteral(l, "ok");
  lua_pushvalue(l, -3);
  lua_rawset(l, -3);
  return 1;
}

static int redis_set_repl(lua_State *l) {
  if (!running) return raise_error(l, "redis.set_repl can only be called inside a script invocation");
  if (lua_gettop(l) != 1) return raise_error(l, "redis.set_repl() requires two arguments.");
  int flags = (int)lua_tonumber(l, -1);
  if ((flags & ~3) != 0) return raise_error(l, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  /* Effects are always what is logged (Redis 7's only mode): accepted, nothing to change. */
  return 0;
}

static int redis_replicate_commands(lua_State *l) {
  lua_pushboolean(l, 1);
  return 1;
}

/* The script debugger is not part of keyraft: redis.breakpoint never stops, redis.debug logs nothing. */
static int redis_breakpoint(lua_State *l) {
  lua_pushboolean(l, 0);
  return 1;
}

static int redis_debug(lua_State *l) {
  (void)l;
  return 0;
}

static int redis_acl_check_cmd(lua_State *l) {
  if (!running) return raise_error(l, "redis.acl_check_cmd can only be called inside a script invocation");
  if (!build_args(l)) return lua_error(l);
  int r = host_acl_check(args.p, args.len);
  if (r < 0) return raise_error(l, "Invalid command passed to redis.acl_check_cmd()");
  lua_pushboolean(l, r);
  return 1;
}

static int redis_log(lua_State *l) {
  int argc = lua_gettop(l);
  if (argc < 2) return raise_error(l, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(l, -argc)) return raise_error(l, "First argument must be a number (log level).");
  int level = (int)lua_tonumber(l, -argc);
  if (level < 0 || level > 3) return raise_error(l, "Invalid debug level.");
  /* The arguments after the level, each preceded by a space except the first position's
   * (a nil in the first position still counts, as in Redis). */
  lua_checkstack(l, LUA_MINSTACK);
  luaL_Buffer b;
  luaL_buffinit(l, &b);
  for (int j = 2; j <= argc; j++) {
    size_t len;
    const char *s = lua_tolstring(l, j, &len);
    if (s == NULL) continue;
    if (j != 2) luaL_addchar(&b, ' ');
    luaL_addlstring(&b, s, len);
  }
  luaL_pushresult(&b);
  size_t len;
  const char *msg = lua_tolstring(l, -1, &len);
  host_log(level, msg, (uint32_t)len);
  return 0;
}

static int redis_setresp(lua_State *l) {
  if (!running) return raise_error(l, "redis.setresp can only be called inside a script invocation");
  if (lua_gettop(l) != 1) return raise_error(l, "redis.setresp() requires one argument.");
  int resp = (int)lua_tonumber(l, 1);
  if (resp != 2 && resp != 3) return raise_error(l, "RESP version must be 2 or 3.");
  script_resp = resp;
  return 0;
}

/* ---- math.random: Redis's rand48 (rand.c), not affected by anything outside scripts ---- */

static uint64_t rand48_state = 0x1234ABCD330EULL;

static int32_t rand48_next(void) {
  rand48_state = (0x5DEECE66DULL * rand48_state + 0xB) & 0xFFFFFFFFFFFFULL;
  return (int32_t)(rand48_state >> 17);
}

#define RAND48_MAX INT32_MAX

static int math_random(lua_State *l) {
  if (!running) return luaL_error(l, "math.random can only be called inside a script invocation");
  lua_Number r = (lua_Number)(rand48_next() % RAND48_MAX) / (lua_Number)RAND48_MAX;
  switch (lua_gettop(l)) {
    case 0:
      lua_pushnumber(l, r);
      break;
    case 1: {
      int u = luaL_checkint(l, 1);
      luaL_argcheck(l, 1 <= u, 1, "interval is empty");
      lua_pushnumber(l, floor(r * u) + 1);
      break;
    }
    case 2: {
      int lo = luaL_checkint(l, 1);
      int up = luaL_checkint(l, 2);
      luaL_argcheck(l, lo <= up, 2, "interval is empty");
      lua_pushnumber(l, floor(r * (up - lo + 1)) + lo);
      break;
    }
    default:
      return luaL_error(l, "wrong number of arguments");
  }
  return 1;
}

static int math_randomseed(lua_State *l) {
  if (!running) return luaL_error(l, "math.randomseed can only be called inside a script invocation");
  uint32_t seed = (uint32_t)luaL_checkint(l, 1);
  rand48_state = ((uint64_t)seed << 16) | 0x330E;
  return 0;
}

/* ---- the time budget ("fuel") ---- */

/* A run may use `fuel_budget` microseconds of the host's clock (Redis's busy check is time
 * too); the hook looks at the clock every FUEL_STEP VM instructions, so time spent in C
 * functions counts once control is back in the VM. */
IMPORT(host_clock_us) double host_clock_us(void);

#define FUEL_STEP 10000
static double fuel_budget = 0;
static double fuel_deadline = 0;

static void fuel_hook(lua_State *l, lua_Debug *ar) {
  (void)ar;
  if (host_clock_us() < fuel_deadline) return;
  /* From now on every instruction fails, so a pcall in the script cannot keep it going. */
  fuel_deadline = 0;
  lua_sethook(l, fuel_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
  raise_error(l, "Script killed by fuel limit");
}

EXPORT(kr_set_fuel) void kr_set_fuel(double microseconds) { fuel_budget = microseconds; }

/* ---- globals: Redis's allow list while loading, then the lock ---- */

static const char *const allowed_globals[] = {
  "string", "cjson", "bit", "cmsgpack", "math", "table", "struct",
  "redis", "__redis__err__handler",
  "xpcall", "tostring", "setmetatable", "next", "assert", "tonumber", "rawequal",
  "collectgarbage", "getmetatable", "rawset", "pcall", "coroutine", "type", "_G", "select",
  "unpack", "gcinfo", "pairs", "rawget", "loadstring", "ipairs", "_VERSION", "load", "error",
  "debug", NULL, /* not getfenv, setfenv, newproxy: CVE-2025-46818's fix, as Debian's 7.0.15 */
};

/* __newindex of the globals while the libraries load: names outside the allow list (print,
 * dofile, loadfile) are dropped, as Redis's luaNewIndexAllowList does. */
static int globals_newindex(lua_State *l) {
  const char *name = lua_tostring(l, 2);
  if (name != NULL) {
    for (const char *const *a = allowed_globals; *a != NULL; a++) {
      if (strcmp(*a, name) == 0) {
        lua_rawset(l, 1);
        return 0;
      }
    }
  }
  return 0;
}

static int globals_index(lua_State *l) {
  if (lua_gettop(l) != 2) return luaL_error(l, "Wrong number of arguments to luaProtectedTableError");
  if (!lua_isstring(l, -1) && !lua_isnumber(l, -1)) return luaL_error(l, "Second argument to luaProtectedTableError must be a string or number");
  return luaL_error(l, "Script attempted to access nonexistent global variable '%s'", lua_tostring(l, -1));
}

static void protect_recursively(lua_State *l) {
  if (lua_isreadonlytable(l, -1)) return;
  lua_enablereadonlytable(l, -1, 1);
  lua_checkstack(l, 2);
  lua_pushnil(l);
  while (lua_next(l, -2)) {
    if (lua_istable(l, -1)) protect_recursively(l);
    lua_pop(l, 1);
  }
  if (lua_getmetatable(l, -1)) {
    protect_recursively(l);
    lua_pop(l, 1);
  }
}

/* CVE-2025-46818's fix: the metatables of the basic types (a string's is the string library's
 * index) are readonly too. */
static void protect_basic_type_metatables(lua_State *l) {
  for (int i = 0; i < 6; i++) {
    switch (i) {
      case 0: lua_pushstring(l, ""); break;
      case 1: lua_pushnumber(l, 0); break;
      case 2: lua_pushboolean(l, 0); break;
      case 3: lua_pushnil(l); break;
      case 4: lua_pushcfunction(l, globals_index); break;
      default: lua_pushlightuserdata(l, (void *)l); break;
    }
    if (lua_getmetatable(l, -1)) {
      protect_recursively(l);
      lua_pop(l, 1);
    }
    lua_pop(l, 1);
  }
}

static void open_lib(lua_State *l, const char *name, lua_CFunction fn) {
  lua_pushcfunction(l, fn);
  lua_pushstring(l, name);
  lua_call(l, 1, 0);
}

int luaopen_cjson(lua_State *l);
int luaopen_struct(lua_State *l);
int luaopen_cmsgpack(lua_State *l);
int luaopen_bit(lua_State *l);

static void set_field_fn(lua_State *l, const char *name, lua_CFunction fn) {
  lua_pushcfunction(l, fn);
  lua_setfield(l, -2, name);
}

static void set_field_num(lua_State *l, const char *name, lua_Number v) {
  lua_pushnumber(l, v);
  lua_setfield(l, -2, name);
}

/* ---- function libraries: Redis 7.0's function_lua.c ---- */

/* Set while a library's loading chunk runs (MODE_LOAD). */
static int loading = 0;
/* What a loading library sees (Redis's LIBRARY_API): only {redis = {register_function, log,
 * LOG_*, REDIS_VERSION, REDIS_VERSION_NUM}}; anything else is a nonexistent global. */
static int lib_api_ref = LUA_NOREF;
/* The environment of every library chunk, and so of the functions it defines: an empty
 * readonly table whose __index is the library API while loading and the globals after it, as
 * Redis swaps the __index of its functions' globals. The globals hold no KEYS or ARGV outside
 * an EVAL run (kr_run clears them): Redis runs functions in a Lua state without them. */
static int fn_env_ref = LUA_NOREF;
static int fn_meta_ref = LUA_NOREF; /* its metatable */
/* The loading library's registrations ({name, description, has description, flags, callback
 * reference} each, kr_run's result) and the names taken (a library's names are case-sensitive). */
static int load_regs_ref = LUA_NOREF;
static int load_names_ref = LUA_NOREF;

/* Redis's scripts_flags_def, in its order (FUNCTION LIST shows a function's flags in it). */
static const char *const function_flags[] = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys", NULL};

/* Points the libraries' environment at the library API (loading) or at the globals (calls), as
 * Redis swaps the __index of its functions' globals; a table __index, as there, so reading a
 * global costs a table lookup, and a missing name fails in globals_index with the caller's line. */
static void set_library_env(lua_State *l, int for_loading) {
  lua_rawgeti(l, LUA_REGISTRYINDEX, fn_meta_ref);
  lua_enablereadonlytable(l, -1, 0);
  lua_pushliteral(l, "__index");
  if (for_loading) lua_rawgeti(l, LUA_REGISTRYINDEX, lib_api_ref);
  else lua_pushvalue(l, LUA_GLOBALSINDEX);
  lua_rawset(l, -3);
  lua_enablereadonlytable(l, -1, 1);
  lua_pop(l, 1);
}

/* Redis's functionsVerifyName. */
static int function_name_valid(const char *s, size_t n) {
  if (n == 0) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return 0;
  }
  return 1;
}

static int register_fail(lua_State *l, int ref, const char *err) {
  if (ref != LUA_NOREF) luaL_unref(l, LUA_REGISTRYINDEX, ref);
  return raise_error(l, err);
}

/* Redis's luaRegisterFunctionReadFlags on the table on top: the flags as a bit set, -1 for an
 * unknown flag. */
static int read_flags(lua_State *l) {
  int flags = 0;
  for (int j = 1;; j++) {
    lua_pushnumber(l, j);
    lua_gettable(l, -2);
    if (lua_isnil(l, -1)) {
      lua_pop(l, 1);
      return flags;
    }
    if (!lua_isstring(l, -1)) {
      lua_pop(l, 1);
      return -1;
    }
    const char *flag = lua_tostring(l, -1);
    int found = 0;
    for (int f = 0; function_flags[f] != NULL; f++) {
      if (strcasecmp(function_flags[f], flag) == 0) {
        flags |= 1 << f;
        found = 1;
        break;
      }
    }
    lua_pop(l, 1);
    if (!found) return -1;
  }
}

/* redis.register_function while a library loads (Redis's luaRegisterFunction and the checks of
 * functionLibCreateFunction): the registration is added to load_regs. */
static int redis_register_function(lua_State *l) {
  if (!loading) return raise_error(l, "redis.register_function can only be called on FUNCTION LOAD command");
  int argc = lua_gettop(l);
  if (argc < 1 || argc > 2) return raise_error(l, "wrong number of arguments to redis.register_function");
  int ref = LUA_NOREF, flags = 0, has_desc = 0;
  /* Slots 3 and 4 keep the name and the description (converted to strings in place). */
  lua_settop(l, 4);
  if (argc == 1) {
    if (!lua_istable(l, 1)) return raise_error(l, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
    lua_pushnil(l);
    while (lua_next(l, 1)) {
      if (!lua_isstring(l, -2)) return register_fail(l, ref, "named argument key given to redis.register_function is not a string");
      const char *key = lua_tostring(l, -2);
      if (strcasecmp(key, "function_name") == 0) {
        if (!lua_isstring(l, -1)) return register_fail(l, ref, "function_name argument given to redis.register_function must be a string");
        lua_replace(l, 3);
        continue;
      } else if (strcasecmp(key, "description") == 0) {
        if (!lua_isstring(l, -1)) return register_fail(l, ref, "description argument given to redis.register_function must be a string");
        has_desc = 1;
        lua_replace(l, 4);
        continue;
      } else if (strcasecmp(key, "callback") == 0) {
        if (!lua_isfunction(l, -1)) return register_fail(l, ref, "callback argument given to redis.register_function must be a function");
        if (ref != LUA_NOREF) luaL_unref(l, LUA_REGISTRYINDEX, ref);
        ref = luaL_ref(l, LUA_REGISTRYINDEX);
        continue;
      } else if (strcasecmp(key, "flags") == 0) {
        if (!lua_istable(l, -1)) return register_fail(l, ref, "flags argument to redis.register_function must be a table representing function flags");
        if ((flags = read_flags(l)) < 0) return register_fail(l, ref, "unknown flag given");
      } else {
        return register_fail(l, ref, "unknown argument given to redis.register_function");
      }
      lua_pop(l, 1);
    }
    if (lua_isnil(l, 3)) return register_fail(l, ref, "redis.register_function must get a function name argument");
    if (ref == LUA_NOREF) return raise_error(l, "redis.register_function must get a callback argument");
  } else {
    if (!lua_isstring(l, 1)) return raise_error(l, "first argument to redis.register_function must be a string");
    if (!lua_isfunction(l, 2)) return raise_error(l, "second argument to redis.register_function must be a function");
    lua_pushvalue(l, 1);
    lua_replace(l, 3);
    lua_pushvalue(l, 2);
    ref = luaL_ref(l, LUA_REGISTRYINDEX);
  }
  size_t name_len;
  const char *name = lua_tolstring(l, 3, &name_len);
  if (!function_name_valid(name, name_len)) return register_fail(l, ref, "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
  lua_rawgeti(l, LUA_REGISTRYINDEX, load_names_ref);
  lua_pushvalue(l, 3);
  lua_rawget(l, -2);
  if (!lua_isnil(l, -1)) return register_fail(l, ref, "Function already exists in the library");
  lua_pop(l, 1);
  lua_pushvalue(l, 3);
  lua_pushboolean(l, 1);
  lua_rawset(l, -3);
  lua_pop(l, 1);
  /* {name, description, has description, flags, callback reference} */
  lua_rawgeti(l, LUA_REGISTRYINDEX, load_regs_ref);
  lua_createtable(l, 5, 0);
  lua_pushvalue(l, 3);
  lua_rawseti(l, -2, 1);
  if (has_desc) lua_tolstring(l, 4, NULL);
  else lua_pushliteral(l, ""), lua_replace(l, 4);
  lua_pushvalue(l, 4);
  lua_rawseti(l, -2, 2);
  lua_pushstring(l, has_desc ? "1" : "0");
  lua_rawseti(l, -2, 3);
  luaL_Buffer b;
  luaL_buffinit(l, &b);
  for (int f = 0, n = 0; function_flags[f] != NULL; f++) {
    if (!(flags & (1 << f))) continue;
    if (n++ > 0) luaL_addchar(&b, ',');
    luaL_addstring(&b, function_flags[f]);
  }
  luaL_pushresult(&b);
  lua_rawseti(l, -2, 4);
  lua_pushnumber(l, ref);
  lua_rawseti(l, -2, 5);
  lua_rawseti(l, -2, (int)lua_objlen(l, -2) + 1);
  return 0;
}

/* redis.log, redis.LOG_* and redis.REDIS_VERSION(_NUM) into the table on top of the stack: what
 * both a script's redis table and a loading library's have. */
static void set_log_and_version(lua_State *l) {
  set_field_fn(l, "log", redis_log);
  set_field_num(l, "LOG_DEBUG", 0);
  set_field_num(l, "LOG_VERBOSE", 1);
  set_field_num(l, "LOG_NOTICE", 2);
  set_field_num(l, "LOG_WARNING", 3);
  set_field_num(l, "REDIS_VERSION_NUM", 0x07000f);
  lua_pushliteral(l, "7.0.15");
  lua_setfield(l, -2, "REDIS_VERSION");
}

/* The library API table and the libraries' environment (init_state, after the globals are
 * locked). */
static void init_library_env(lua_State *l) {
  lua_newtable(l); /* the library API */
  lua_newtable(l); /* its redis */
  set_field_fn(l, "register_function", redis_register_function);
  set_log_and_version(l);
  lua_newtable(l);
  lua_pushcfunction(l, globals_index);
  lua_setfield(l, -2, "__index");
  lua_setmetatable(l, -2);
  lua_setfield(l, -2, "redis");
  lua_newtable(l);
  lua_pushcfunction(l, globals_index);
  lua_setfield(l, -2, "__index");
  lua_setmetatable(l, -2);
  protect_recursively(l);
  lib_api_ref = luaL_ref(l, LUA_REGISTRYINDEX);

  lua_newtable(l); /* the environment */
  lua_newtable(l);
  lua_pushvalue(l, LUA_GLOBALSINDEX);
  lua_setfield(l, -2, "__index");
  lua_pushvalue(l, -1);
  fn_meta_ref = luaL_ref(l, LUA_REGISTRYINDEX);
  lua_setmetatable(l, -2);
  protect_recursively(l);
  fn_env_ref = luaL_ref(l, LUA_REGISTRYINDEX);
}

/* After a loading run: loading is over; a failed load gives its callbacks back. */
static void end_load(lua_State *l, int failed) {
  loading = 0;
  set_library_env(l, 0);
  if (load_regs_ref == LUA_NOREF) return;
  if (failed) {
    lua_rawgeti(l, LUA_REGISTRYINDEX, load_regs_ref);
    for (int i = 1;; i++) {
      lua_rawgeti(l, -1, i);
      if (!lua_istable(l, -1)) {
        lua_pop(l, 1);
        break;
      }
      lua_rawgeti(l, -1, 5);
      luaL_unref(l, LUA_REGISTRYINDEX, (int)lua_tonumber(l, -1));
      lua_pop(l, 2);
    }
    lua_pop(l, 1);
  }
  luaL_unref(l, LUA_REGISTRYINDEX, load_regs_ref);
  luaL_unref(l, LUA_REGISTRYINDEX, load_names_ref);
  load_regs_ref = load_names_ref = LUA_NOREF;
}

static const char ERROR_HANDLER[] =
  "local dbg = debug\n"
  "debug = nil\n"
  "function __redis__err__handler(err)\n"
  "  local i = dbg.getinfo(2,'nSl')\n"
  "  if i and i.what == 'C' then\n"
  "    i = dbg.getinfo(3,'nSl')\n"
  "  end\n"
  "  if type(err) ~= 'table' then\n"
  "    err = {err='ERR ' .. tostring(err)}"
  "  end"
  "  if i then\n"
  "    err['source'] = i.source\n"
  "    err['line'] = i.currentline\n"
  "  end"
  "  return err\n"
  "end\n";

static int run_protected(lua_State *l);

static int init_state(lua_State *l) {
  /* The allow list guards the globals while the libraries register themselves. */
  lua_pushvalue(l, LUA_GLOBALSINDEX);
  lua_newtable(l);
  lua_pushcfunction(l, globals_newindex);
  lua_setfield(l, -2, "__newindex");
  lua_setmetatable(l, -2);
  lua_pop(l, 1);

  open_lib(l, "", luaopen_base);
  open_lib(l, LUA_TABLIBNAME, luaopen_table);
  open_lib(l, LUA_STRLIBNAME, luaopen_string);
  open_lib(l, LUA_MATHLIBNAME, luaopen_math);
  open_lib(l, LUA_DBLIBNAME, luaopen_debug);
  open_lib(l, "cjson", luaopen_cjson);
  open_lib(l, "struct", luaopen_struct);
  open_lib(l, "cmsgpack", luaopen_cmsgpack);
  open_lib(l, "bit", luaopen_bit);

  lua_pushcfunction(l, lua_pcall_compat);
  lua_setglobal(l, "pcall");

  lua_newtable(l);
  set_field_fn(l, "call", redis_call);
  set_field_fn(l, "pcall", redis_pcall);
  set_log_and_version(l);
  set_field_fn(l, "setresp", redis_setresp);
  set_field_fn(l, "sha1hex", redis_sha1hex);
  set_field_fn(l, "error_reply", redis_error_reply);
  set_field_fn(l, "status_reply", redis_status_reply);
  set_field_fn(l, "set_repl", redis_set_repl);
  set_field_num(l, "REPL_NONE", 0);
  set_field_num(l, "REPL_AOF", 1);
  set_field_num(l, "REPL_SLAVE", 2);
  set_field_num(l, "REPL_REPLICA", 2);
  set_field_num(l, "REPL_ALL", 3);
  set_field_fn(l, "acl_check_cmd", redis_acl_check_cmd);
  set_field_fn(l, "breakpoint", redis_breakpoint);
  set_field_fn(l, "debug", redis_debug);
  set_field_fn(l, "replicate_commands", redis_replicate_commands);
  lua_setglobal(l, "redis");

  lua_getglobal(l, "math");
  set_field_fn(l, "random", math_random);
  set_field_fn(l, "randomseed", math_randomseed);
  lua_pop(l, 1);

  if (luaL_loadbuffer(l, ERROR_HANDLER, sizeof ERROR_HANDLER - 1, "@err_handler_def") != 0) return 0;
  lua_call(l, 0, 0);
  lua_getglobal(l, "__redis__err__handler");
  err_handler_ref = luaL_ref(l, LUA_REGISTRYINDEX);
  lua_pushcfunction(l, run_protected);
  runner_ref = luaL_ref(l, LUA_REGISTRYINDEX);

  /* Lock the globals: reading a missing one is an error, and no table reachable from them
   * (libraries, redis, metatables) can be modified. */
  lua_pushvalue(l, LUA_GLOBALSINDEX);
  lua_newtable(l);
  lua_pushcfunction(l, globals_index);
  lua_setfield(l, -2, "__index");
  lua_setmetatable(l, -2);
  protect_recursively(l);
  lua_pop(l, 1);
  protect_basic_type_metatables(l);
  init_library_env(l);
  return 1;
}

/* The allocator: malloc's failure (the module's memory is capped) becomes Lua's "not enough
 * memory" error instead of an abort. */
static void *lua_allocator(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  (void)osize;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, nsize);
}

static int init_protected(lua_State *l) {
  if (!init_state(l)) lua_error(l);
  return 0;
}

EXPORT(kr_init) int kr_init(void) {
  if (L != NULL) return 1;
  L = lua_newstate(lua_allocator, NULL);
  if (L == NULL) return 0;
  return lua_cpcall(L, init_protected, NULL) == 0;
}

/* ---- the host's interface ---- */

EXPORT(kr_alloc) void *kr_alloc(uint32_t n) { return malloc(n ? n : 1); }
EXPORT(kr_free) void kr_free(void *p) { free(p); }

/* Where the host writes a redis.call reply of n bytes (NULL when memory is short). */
EXPORT(kr_small_reply) uint8_t *kr_small_reply(void) { return small_reply; }

EXPORT(kr_reply_area) uint8_t *kr_reply_area(uint32_t n) {
  if (reply.cap > BUF_KEPT_BYTES_MAX && n <= 64 * 1024) buf_shrink(&reply);
  return buf_exact(&reply, n) ? reply.p : NULL;
}

EXPORT(kr_out) const uint8_t *kr_out(void) { return out.p; }

/* Bytes the Lua state holds (Redis's used_memory_lua). */
EXPORT(kr_memory) double kr_memory(void) {
  return L == NULL ? 0 : (double)lua_gc(L, LUA_GCCOUNT, 0) * 1024.0 + (double)lua_gc(L, LUA_GCCOUNTB, 0);
}

/* Compiles a chunk (chunk 0 names it @user_script, 1 @user_function) and keeps it in the
 * registry: returns its reference, or 0 with the compiler's message in kr_out (length
 * returned through *err_len). */
EXPORT(kr_compile) int kr_compile(const char *src, uint32_t len, int chunk, uint32_t *err_len) {
  lua_settop(L, 0);
  int status = luaL_loadbuffer(L, src, len, chunk == 1 ? "@user_function" : "@user_script");
  if (status != 0) {
    size_t n = 0;
    const char *msg = lua_tolstring(L, -1, &n);
    if (msg == NULL) msg = "unknown error", n = strlen(msg);
    buf_shrink(&out);
    out_failed = 0;
    put_bytes(&out, msg, (uint32_t)n);
    *err_len = out_failed ? 0 : (uint32_t)n;
    lua_settop(L, 0);
    return 0;
  }
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

EXPORT(kr_unref) void kr_unref(int ref) { luaL_unref(L, LUA_REGISTRYINDEX, ref); }

/* Builds a table from count strings of a [len:u32][bytes] block; returns where the block ends. */
static const uint8_t *push_array(lua_State *l, const uint8_t *p, uint32_t count) {
  lua_createtable(l, (int)count, 0);
  for (uint32_t i = 0; i < count; i++) {
    uint32_t n = rd32(p);
    lua_pushlstring(l, (const char *)p + 4, n);
    lua_rawseti(l, -2, (int)i + 1);
    p += 4 + n;
  }
  return p;
}

static void encode_table(lua_State *l, int depth);

/* Redis's luaReplyToRedisReply into the wire format; consumes the value on top. */
static void encode_value(lua_State *l, int depth) {
  /* Deeper than the host decodes (wasm-codec's VALUE_DEPTH_MAX, 1000): Redis's stack-limit error. */
  if (!lua_checkstack(l, 4) || depth > 900) {
    static const char msg[] = "ERR reached lua stack limit";
    put_string(&out, TAG_ERROR, msg, sizeof msg - 1);
    lua_pop(l, 1);
    return;
  }
  size_t n;
  const char *s;
  switch (lua_type(l, -1)) {
    case LUA_TSTRING:
      s = lua_tolstring(l, -1, &n);
      put_string(&out, TAG_BULK, s, n);
      break;
    case LUA_TBOOLEAN:
      /* The script's protocol decides (redis.setresp): RESP2 has no booleans. */
      if (script_resp == 2) {
        if (lua_toboolean(l, -1)) {
          int64_t one = 1;
          put_tag(&out, TAG_INT);
          put_bytes(&out, &one, 8);
        } else put_tag(&out, TAG_NULL);
      } else {
        uint8_t v = (uint8_t)lua_toboolean(l, -1);
        put_tag(&out, TAG_BOOL);
        put_bytes(&out, &v, 1);
      }
      break;
    case LUA_TNUMBER: {
      /* (long long) of a double as x86-64 does it: NaN and out-of-range give INT64_MIN. */
      double d = (double)lua_tonumber(l, -1);
      int64_t v = (d != d || d >= 9223372036854775808.0 || d < -9223372036854775808.0) ? INT64_MIN : (int64_t)d;
      put_tag(&out, TAG_INT);
      put_bytes(&out, &v, 8);
      break;
    }
    case LUA_TTABLE:
      encode_table(l, depth);
      return;
    default:
      put_tag(&out, TAG_NULL);
  }
  lua_pop(l, 1);
}

/* Pushes t[field] (raw) and returns its type. */
static int raw_field(lua_State *l, const char *field) {
  lua_pushstring(l, field);
  lua_rawget(l, -2);
  return lua_type(l, -1);
}

/* A table: {err=}, {ok=}, {double=}, {big_number=}, {verbatim_string=}, {map=}, {set=}, else an
 * array up to its first nil, in that order, as Redis checks them. Consumes it. */
static void encode_table(lua_State *l, int depth) {
  size_t n;
  const char *s;
  if (raw_field(l, "err") == LUA_TSTRING) {
    s = lua_tolstring(l, -1, &n);
    put_string(&out, TAG_ERROR, s, n);
    lua_pop(l, 2);
    return;
  }
  lua_pop(l, 1);
  if (raw_field(l, "ok") == LUA_TSTRING) {
    /* sdsnew(lua_tostring()): the text stops at a NUL. */
    s = lua_tostring(l, -1);
    n = strlen(s);
    put_string(&out, TAG_STATUS, s, n);
    blank_newlines(&out, (uint32_t)n);
    lua_pop(l, 2);
    return;
  }
  lua_pop(l, 1);
  if (raw_field(l, "double") == LUA_TNUMBER) {
    double d = (double)lua_tonumber(l, -1);
    put_tag(&out, TAG_DOUBLE);
    put_bytes(&out, &d, 8);
    lua_pop(l, 2);
    return;
  }
  lua_pop(l, 1);
  if (raw_field(l, "big_number") == LUA_TSTRING) {
    s = lua_tolstring(l, -1, &n);
    put_string(&out, TAG_BIGNUM, s, n);
    blank_newlines(&out, (uint32_t)n);
    lua_pop(l, 2);
    return;
  }
  lua_pop(l, 1);
  if (raw_field(l, "verbatim_string") == LUA_TTABLE) {
    if (raw_field(l, "format") == LUA_TSTRING) {
      lua_pushvalue(l, -2);
      if (raw_field(l, "string") == LUA_TSTRING) {
        size_t fn;
        const char *format = lua_tolstring(l, -3, &fn);
        s = lua_tolstring(l, -1, &n);
        /* addReplyVerbatim takes the first three characters of the format. */
        char f3[3] = {' ', ' ', ' '};
        memcpy(f3, format, fn < 3 ? fn : 3);
        put_string(&out, TAG_VERBATIM, f3, 3);
        uint32_t len = (uint32_t)n;
        put_bytes(&out, &len, 4);
        put_bytes(&out, s, len);
        lua_pop(l, 5);
        return;
      }
      lua_pop(l, 2);
    }
    lua_pop(l, 1);
  }
  lua_pop(l, 1);
  if (raw_field(l, "map") == LUA_TTABLE) {
    uint32_t at = out.len, count = 0;
    put_header(&out, TAG_MAP, 0); /* the count is filled in after */
    lua_pushnil(l);
    while (lua_next(l, -2)) {
      lua_pushvalue(l, -2);
      encode_value(l, depth + 1); /* the key */
      encode_value(l, depth + 1); /* the value */
      count++;
    }
    if (!out_failed) memcpy(out.p + at + 1, &count, 4);
    lua_pop(l, 2);
    return;
  }
  lua_pop(l, 1);
  if (raw_field(l, "set") == LUA_TTABLE) {
    uint32_t at = out.len, count = 0;
    put_header(&out, TAG_SET, 0);
    lua_pushnil(l);
    while (lua_next(l, -2)) {
      lua_pop(l, 1);
      lua_pushvalue(l, -1);
      encode_value(l, depth + 1);
      count++;
    }
    if (!out_failed) memcpy(out.p + at + 1, &count, 4);
    lua_pop(l, 2);
    return;
  }
  lua_pop(l, 1);
  uint32_t at = out.len, count = 0;
  put_header(&out, TAG_ARRAY, 0);
  for (int j = 1;; j++) {
    lua_rawgeti(l, -1, j);
    if (lua_isnil(l, -1)) {
      lua_pop(l, 1);
      break;
    }
    encode_value(l, depth + 1);
    count++;
  }
  if (!out_failed) memcpy(out.p + at + 1, &count, 4);
  lua_pop(l, 1);
}

/* The error on top of the stack as RAISED (luaExtractErrorInformation). */
static void encode_raised(lua_State *l) {
  /* A raised table without a string err (error({})) crashes Redis 7.0.15; Redis later answers
   * it with a generic error (redis#14163), as this does. */
  const char *msg = "ERR unknown error", *source = "";
  size_t msg_len = strlen(msg), source_len = 0;
  int32_t line = -1;
  uint8_t flags = 0;
  if (lua_istable(l, -1)) {
    lua_getfield(l, -1, "err");
    if (lua_isstring(l, -1)) msg = lua_tolstring(l, -1, &msg_len);
    lua_getfield(l, -2, "source");
    if (lua_isstring(l, -1)) source = lua_tolstring(l, -1, &source_len);
    lua_getfield(l, -3, "line");
    if (lua_isnumber(l, -1)) line = (int32_t)lua_tonumber(l, -1);
    lua_getfield(l, -4, "ignore_error_stats_update");
    if (lua_isboolean(l, -1) && lua_toboolean(l, -1)) flags |= 1;
  } else {
    /* Not a table: the error handler did not run (out of memory) or failed itself. */
    flags |= 2;
    if (lua_isstring(l, -1)) msg = lua_tolstring(l, -1, &msg_len);
    else msg = "execution failure", msg_len = strlen(msg);
  }
  uint32_t sl = (uint32_t)source_len;
  put_header(&out, TAG_RAISED, (uint32_t)msg_len);
  put_bytes(&out, msg, (uint32_t)msg_len);
  put_bytes(&out, &line, 4);
  put_bytes(&out, &flags, 1);
  put_bytes(&out, &sl, 4);
  put_bytes(&out, source, sl);
}

static unsigned runs_since_gc = 0;

/* What kr_run asked for, read by run_protected. */
static struct { int ref, mode; const uint8_t *block; uint32_t nkeys, nargs; } job;

/* Everything that allocates happens here, under the error handler's protection: building KEYS
 * and ARGV, the call itself, keeping a library's callbacks, encoding the result (out of memory
 * anywhere is then an error reply, never an abort). */
static int run_protected(lua_State *l) {
  int nparams = 0;
  lua_rawgeti(l, LUA_REGISTRYINDEX, job.ref);
  if (job.mode == MODE_EVAL) {
    const uint8_t *p = push_array(l, job.block, job.nkeys);
    lua_enablereadonlytable(l, LUA_GLOBALSINDEX, 0);
    lua_setglobal(l, "KEYS");
    push_array(l, p, job.nargs);
    lua_setglobal(l, "ARGV");
    lua_enablereadonlytable(l, LUA_GLOBALSINDEX, 1);
  } else if (job.mode == MODE_FUNCTION) {
    const uint8_t *p = push_array(l, job.block, job.nkeys);
    push_array(l, p, job.nargs);
    nparams = 2;
  } else {
    /* A library: its chunk (and the functions it defines) in the libraries' environment; what
     * it returns is ignored, its registrations are the result (Redis's luaEngineCreate). */
    lua_rawgeti(l, LUA_REGISTRYINDEX, fn_env_ref);
    lua_setfenv(l, -2);
    lua_newtable(l);
    load_regs_ref = luaL_ref(l, LUA_REGISTRYINDEX);
    lua_newtable(l);
    load_names_ref = luaL_ref(l, LUA_REGISTRYINDEX);
    loading = 1;
    set_library_env(l, 1);
  }
  if (fuel_budget > 0) {
    fuel_deadline = host_clock_us() + fuel_budget;
    lua_sethook(l, fuel_hook, LUA_MASKCOUNT, FUEL_STEP);
  }
  /* One result: only the first value a script returns counts. */
  lua_call(l, nparams, job.mode == MODE_LOAD ? 0 : 1);
  lua_sethook(l, NULL, 0, 0);
  running = 0;
  if (job.mode == MODE_LOAD) {
    loading = 0;
    set_library_env(l, 0);
    lua_rawgeti(l, LUA_REGISTRYINDEX, load_regs_ref);
  }
  encode_value(l, 0);
  return 0;
}

/* Runs a compiled chunk (MODE_EVAL: KEYS and ARGV as globals, MODE_FUNCTION: as the callback's
 * two arguments, MODE_LOAD: none; the result is the registrations). `block` holds nkeys then nargs strings
 * as [len:u32][bytes]. The result (one value, or RAISED) is in kr_out; returns its length. */
EXPORT(kr_run) uint32_t kr_run(int ref, int mode, const uint8_t *block, uint32_t nkeys, uint32_t nargs) {
  buf_shrink(&out);
  out_failed = 0;
  lua_settop(L, 0);
  lua_rawgeti(L, LUA_REGISTRYINDEX, err_handler_ref);
  lua_rawgeti(L, LUA_REGISTRYINDEX, runner_ref);
  job.ref = ref;
  job.mode = mode;
  job.block = block;
  job.nkeys = nkeys;
  job.nargs = nargs;
  script_resp = 2;
  running = 1;
  int status = lua_pcall(L, 0, 0, 1);
  lua_sethook(L, NULL, 0, 0);
  running = 0;
  /* An EVAL's KEYS and ARGV are gone after its run (functions must not see them; the next
   * EVAL sets its own). Building them unlocks the globals for a moment: locked again whatever
   * happened. */
  if (mode == MODE_EVAL) {
    lua_enablereadonlytable(L, LUA_GLOBALSINDEX, 0);
    lua_pushliteral(L, "KEYS");
    lua_pushnil(L);
    lua_rawset(L, LUA_GLOBALSINDEX);
    lua_pushliteral(L, "ARGV");
    lua_pushnil(L);
    lua_rawset(L, LUA_GLOBALSINDEX);
  }
  lua_enablereadonlytable(L, LUA_GLOBALSINDEX, 1);
  /* What grew big for one redis.call (or failed to) is given back to the next script. */
  buf_shrink(&args);
  buf_shrink(&reply);
  if (mode == MODE_LOAD) end_load(L, status != 0 || out_failed);
  if (++runs_since_gc == 50) {
    lua_gc(L, LUA_GCSTEP, 50);
    runs_since_gc = 0;
  }
  if (status != 0) {
    buf_shrink(&out);
    out_failed = 0;
    encode_raised(L);
  }
  lua_settop(L, 0);
  /* The buffer Lua concatenates strings in keeps the size of the longest concatenation (a GC
   * cycle only halves it) wherever it was allocated; a big one is freed, so it does not split
   * the module's memory for the scripts after this one. */
  if (luaZ_sizebuffer(&G(L)->buff) > BUF_KEPT_BYTES_MAX) luaZ_resizebuffer(L, &G(L)->buff, 0);
  /* Lua 5.1 does not collect when an allocation fails, and the module's memory is capped: after
   * a run that ran out of memory, or one that left the heap big, collect everything now. */
  if (status == LUA_ERRMEM || lua_gc(L, LUA_GCCOUNT, 0) > 64 * 1024) lua_gc(L, LUA_GCCOLLECT, 0);
  if (out_failed) {
    static const char msg[] = "not enough memory";
    int32_t line = -1;
    uint8_t flags = 2;
    uint32_t zero = 0;
    buf_shrink(&out);
    out_failed = 0;
    put_header(&out, TAG_RAISED, sizeof msg - 1);
    put_bytes(&out, msg, sizeof msg - 1);
    put_bytes(&out, &line, 4);
    put_bytes(&out, &flags, 1);
    put_bytes(&out, &zero, 4);
    if (out_failed) return 0;
  }
  return out.len;
}
