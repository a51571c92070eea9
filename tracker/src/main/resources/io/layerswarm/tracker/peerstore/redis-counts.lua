-- KEYS[1] the swarm's base key. ARGV[1] now ms.
-- Returns {live seeds, live leechers, downloaded}.
local k = swarm_keys(KEYS[1])
local above_now = '(' .. ARGV[1]
return {
  redis.call('ZCOUNT', k.seeds, above_now, '+inf'),
  redis.call('ZCOUNT', k.leechers, above_now, '+inf'),
  tonumber(redis.call('GET', k.downloaded) or '0'),
}
