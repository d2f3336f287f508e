// keyraft's own version, and the Redis release whose behaviour it matches (INFO redis_version;
// client libraries such as BullMQ and Sidekiq check it).
export const KEYRAFT_VERSION = '0.1.0';
export const REDIS_COMPAT_VERSION = '7.0.15';
