-- KEYS[1] the swarm's base key, KEYS[2] the swarm index.
-- ARGV: swarm hex, peer id hex, record, address '<ip>|<port>', complete '1'|'0',
--       event 'started'|'completed'|'stopped'|'none', expiresAt ms, now ms, TTL margin s.
local k = swarm_keys(KEYS[1])
local index = KEYS[2]
local hex, id, record, address, complete, event = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local expires, now, margin = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])

trim(k, now)
if event == 'stopped' then
  forget(k, id)
else
  local was_seed = redis.call('ZSCORE', k.seeds, id)
  local previous = redis.call('HGET', k.peers, id)
  if previous then
    local old = address_of(previous)
    if old ~= address and redis.call('HGET', k.addresses, old) == id then
      redis.call('HDEL', k.addresses, old)
    end
  end
  -- Only one process can listen on an ip:port: another id there is a restarted peer.
  local squatter = redis.call('HGET', k.addresses, address)
  if squatter and squatter ~= id then
    forget(k, squatter)
  end
  redis.call('HSET', k.peers, id, record)
  redis.call('HSET', k.addresses, address, id)
  if complete == '1' then
    redis.call('ZADD', k.seeds, expires, id)
    redis.call('ZREM', k.leechers, id)
  else
    redis.call('ZADD', k.leechers, expires, id)
    redis.call('ZREM', k.seeds, id)
  end
  if event == 'completed' and not was_seed then
    redis.call('INCR', k.downloaded)
  end
end
refresh(k, index, hex, now, margin)
return 1
