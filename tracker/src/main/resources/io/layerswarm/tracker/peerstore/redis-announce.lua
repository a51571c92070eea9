-- KEYS[1] the swarm's base key, KEYS[2] the swarm index, KEYS[3] the set of every entry.
-- ARGV: swarm hex, address '<ip>|<port>', record '<peer id hex>|<S|L>|<zone>|<rack>',
--       complete '1'|'0', event 'started'|'completed'|'stopped'|'none', expiresAt ms, now ms,
--       TTL margin s, per-address key prefix, max swarms, max peers, max per swarm, max per address.
-- Returns 'ok', or the limit a new entry would pass ('swarms', 'peers', 'peers_per_swarm',
-- 'peers_per_address'), and then nothing was added.
local index = KEYS[2]
local hex, address, record, complete, event = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local expires, now, margin = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local ctx = context(KEYS[1], hex, KEYS[3], ARGV[9])
local max_swarms, max_peers = tonumber(ARGV[10]), tonumber(ARGV[11])
local max_per_swarm, max_per_address = tonumber(ARGV[12]), tonumber(ARGV[13])
local k = ctx.k

trim(ctx, now)
if event == 'stopped' then
  forget(ctx, address)
  refresh(k, index, hex, now, margin)
  return 'ok'
end

local previous = redis.call('HGET', k.peers, address)
local per_address = address_key(ctx, address)
if not previous then
  local refused = nil
  if redis.call('EXISTS', k.peers) == 0
      and redis.call('ZCOUNT', index, '(' .. now, '+inf') >= max_swarms then
    refused = 'swarms'
  elseif redis.call('HLEN', k.peers) >= max_per_swarm then
    refused = 'peers_per_swarm'
  else
    redis.call('ZREMRANGEBYSCORE', ctx.all, '-inf', now)
    redis.call('ZREMRANGEBYSCORE', per_address, '-inf', now)
    if redis.call('ZCARD', ctx.all) >= max_peers then
      refused = 'peers'
    elseif redis.call('ZCARD', per_address) >= max_per_address then
      refused = 'peers_per_address'
    end
  end
  if refused then
    refresh(k, index, hex, now, margin)
    return refused
  end
end

local id = id_of(record)
local was_seed = previous ~= nil and previous ~= false and id_of(previous) == id
    and redis.call('ZSCORE', k.seeds, address) ~= false
local idkey = ip_of(address) .. '|' .. id
local before = redis.call('HGET', k.ids, idkey)
if before and before ~= address then
  -- The same process at the same ip, now on another port: it moved.
  if redis.call('ZSCORE', k.seeds, before) then
    was_seed = true
  end
  forget(ctx, before)
end
if previous and id_of(previous) ~= id then
  local oldkey = ip_of(address) .. '|' .. id_of(previous)
  if redis.call('HGET', k.ids, oldkey) == address then
    redis.call('HDEL', k.ids, oldkey)
  end
end
redis.call('HSET', k.peers, address, record)
redis.call('HSET', k.ids, idkey, address)
if complete == '1' then
  redis.call('ZADD', k.seeds, expires, address)
  redis.call('ZREM', k.leechers, address)
else
  redis.call('ZADD', k.leechers, expires, address)
  redis.call('ZREM', k.seeds, address)
end
redis.call('ZADD', ctx.all, expires, hex .. '|' .. address)
redis.call('ZADD', per_address, expires, hex .. '|' .. port_of(address))
local ttl = math.ceil((expires - now) / 1000) + margin
extend(ctx.all, ttl)
extend(per_address, ttl)
if event == 'completed' and not was_seed then
  redis.call('INCR', k.downloaded)
end
refresh(k, index, hex, now, margin)
return 'ok'
