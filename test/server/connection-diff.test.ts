// Connection commands and dispatcher errors compared byte for byte with real Redis.
import { test } from 'node:test';
import { useDifferentialPair } from '../helpers/differential.js';

const { skip, pair } = useDifferentialPair();

test('connection commands and dispatcher errors match Redis', { skip }, async () => {
  await pair.assertSame('connection', [
    ['PING'],
    ['ping', 'hello'],
    ['PING', 'a', 'b'],
    ['ECHO', 'x\x00y'],
    ['ECHO'],
    ['NOSUCHCOMMAND'],
    ['nosuch', 'a', 'b c', 'x'.repeat(200)],
    ['SELECT', '1'],
    ['SELECT', '16'],
    ['SELECT', '-1'],
    ['SELECT', 'abc'],
    ['SELECT', '01'],
    ['SELECT', '2147483648'],
    ['SELECT', '99999999999999999999'],
    ['NO\x00SUCH', 'a\x00b'],
    ['CONFIG', 'NO\x00PE'],
    ['AUTH', 'x'],
    ['AUTH', 'default', 'x'],
    ['AUTH', 'bob', 'x'],
    ['AUTH', 'a', 'b', 'c'],
    ['HELLO', '4'],
    ['HELLO', 'x'],
    ['HELLO', '2', 'SETNAME', 'a b'],
    ['HELLO', '2', 'FOO'],
    ['GET'],
    ['get', 'a', 'b'],
  ]);
});
