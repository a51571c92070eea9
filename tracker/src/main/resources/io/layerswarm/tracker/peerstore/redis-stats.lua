-- KEYS[1] the swarm index. ARGV: key prefix 'layerswarm:v2:swarm:', now ms.
-- Returns {swarms with a live peer, live peers}. Walks every swarm whose latest expiry is after now.
local index = KEYS[1]
local prefix = ARGV[1]
local above_now = '(' .. ARGV[2]
local swarms, peers = 0, 0
for _, hex in ipairs(redis.call('ZRANGEBYSCORE', index, above_now, '+inf')) do
  local k = swarm_keys(prefix .. hex)
  local live = redis.call('ZCOUNT', k.seeds, above_now, '+inf')
      + redis.call('ZCOUNT', k.leechers, above_now, '+inf')
  if live > 0 then
    swarms = swarms + 1
    peers = peers + live
  end
end
return {swarms, peers}
