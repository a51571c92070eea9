-- KEYS[1] the swarm's base key. ARGV[1] now ms, ARGV[2] the most peers to return.
-- Returns {address, record, expiry ms, ...}: live seeds first, then live leechers, each soonest expiry
-- first, at most that many in all. Read only.
local k = swarm_keys(KEYS[1])
local above_now = '(' .. ARGV[1]
local left = tonumber(ARGV[2])
local out = {}
for _, set in ipairs({k.seeds, k.leechers}) do
  if left <= 0 then
    break
  end
  local scored = redis.call('ZRANGEBYSCORE', set, above_now, '+inf', 'WITHSCORES', 'LIMIT', 0, left)
  -- HMGET in chunks: unpack() of a very long list would overflow the Lua stack.
  for first = 1, #scored, 1000 do
    local ids, expiries = {}, {}
    for i = first, math.min(first + 999, #scored), 2 do
      ids[#ids + 1] = scored[i]
      expiries[#expiries + 1] = scored[i + 1]
    end
    local records = redis.call('HMGET', k.peers, unpack(ids))
    for i, id in ipairs(ids) do
      if records[i] then
        out[#out + 1] = id
        out[#out + 1] = records[i]
        out[#out + 1] = expiries[i]
      end
    end
  end
  left = left - #scored / 2
end
return out
