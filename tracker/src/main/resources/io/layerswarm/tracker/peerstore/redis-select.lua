-- KEYS[1] the swarm's base key. ARGV[1] now ms, ARGV[2] the most candidates to return.
-- Returns {address, record, address, record, ...}: every live peer when there are at most that many, else
-- a sample of live seeds and live leechers (a run of each from a random place, in which every live
-- peer is as likely), half each when both have enough.
local k = swarm_keys(KEYS[1])
local now = tonumber(ARGV[1])
local above_now = '(' .. ARGV[1]
local cap = tonumber(ARGV[2])

local seeds = redis.call('ZCOUNT', k.seeds, above_now, '+inf')
local leechers = redis.call('ZCOUNT', k.leechers, above_now, '+inf')
local want_seeds = math.min(seeds, math.max(math.ceil(cap / 2), cap - leechers))
local want_leechers = math.min(leechers, cap - want_seeds)

local function pick(set, live, want)
  if want <= 0 then
    return {}
  end
  if want >= live then
    return redis.call('ZRANGEBYSCORE', set, above_now, '+inf')
  end
  -- 'want' consecutive live entries (by expiry) from a random rank, wrapping round: every live
  -- entry is as likely to be drawn, in O(log N + want). ZRANDMEMBER with a count cost about 200 us
  -- a call in a swarm of 4,000 (docs/decisions.md 24). Expired entries rank first.
  local first = redis.call('ZCARD', set) - live
  local start = math.random(0, live - 1)
  local ids = redis.call('ZRANGE', set, first + start, first + math.min(live - 1, start + want - 1))
  if #ids < want then
    for _, id in ipairs(redis.call('ZRANGE', set, first, first + want - #ids - 1)) do
      ids[#ids + 1] = id
    end
  end
  return ids
end

local out = {}
for _, ids in ipairs({pick(k.seeds, seeds, want_seeds), pick(k.leechers, leechers, want_leechers)}) do
  -- HMGET in chunks: unpack() of a very long list would overflow the Lua stack.
  for first = 1, #ids, 500 do
    local chunk = {}
    for i = first, math.min(first + 499, #ids) do
      chunk[#chunk + 1] = ids[i]
    end
    local records = redis.call('HMGET', k.peers, unpack(chunk))
    for i, id in ipairs(chunk) do
      if records[i] then
        out[#out + 1] = id
        out[#out + 1] = records[i]
      end
    end
  end
end
return out
