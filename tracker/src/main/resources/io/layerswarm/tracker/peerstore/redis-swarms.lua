-- No KEYS (the swarm keys are derived from the prefix, as in sweep and stats).
-- ARGV: key prefix 'layerswarm:v2:swarm:', now ms, then the swarm hexes to count.
-- Returns {hex, live seeds, live leechers, downloaded, ...} for those with a live peer.
local prefix = ARGV[1]
local above_now = '(' .. ARGV[2]
local out = {}
for i = 3, #ARGV do
  local hex = ARGV[i]
  local k = swarm_keys(prefix .. hex)
  local seeds = redis.call('ZCOUNT', k.seeds, above_now, '+inf')
  local leechers = redis.call('ZCOUNT', k.leechers, above_now, '+inf')
  if seeds + leechers > 0 then
    out[#out + 1] = hex
    out[#out + 1] = seeds
    out[#out + 1] = leechers
    out[#out + 1] = tonumber(redis.call('GET', k.downloaded) or '0')
  end
end
return out
