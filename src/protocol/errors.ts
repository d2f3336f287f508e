// Error reply texts exactly as Redis 7.0 words them; clients branch on these strings.

export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_NOT_FLOAT = 'ERR value is not a valid float';
export const ERR_OVERFLOW = 'ERR increment or decrement would overflow';
export const ERR_NO_SUCH_KEY = 'ERR no such key';
export const ERR_DB_INDEX = 'ERR DB index is out of range';
export const ERR_INVALID_EXPIRE = (cmd: string) => `ERR invalid expire time in '${cmd}' command`;
export const ERR_STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const ERR_WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
export const ERR_NOAUTH = 'NOAUTH Authentication required.';
export const ERR_NOPASS = 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?';
