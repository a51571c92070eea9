-- Shared by every RedisPeerStore script (prepended to each one). See RedisPeerStore for the
-- data model. Times are epoch milliseconds passed in by the tracker; no script reads Redis TIME.
-- A peer is live while now < its expiry, i.e. while its score is above now. A peer is keyed by
-- its address '<ip>|<port>', never by its peer id.

-- The keys of one swarm, from its base key 'layerswarm:v2:swarm:<hex>'.
local function swarm_keys(base)
  return {
    peers = base,                       -- hash: '<ip>|<port>' -> '<peer id hex>|<S|L>|<zone>|<rack>'
    seeds = base .. ':seeds',           -- sorted set: '<ip>|<port>', scored by expiry
    leechers = base .. ':leechers',     -- sorted set: '<ip>|<port>', scored by expiry
    ids = base .. ':ids',               -- hash: '<ip>|<peer id hex>' -> '<ip>|<port>'
    downloaded = base .. ':downloaded', -- string: completed events since the swarm was empty
  }
end

-- What one script call works on: the swarm's keys and hex, the set of every entry of every swarm
-- ('<hex>|<ip>|<port>' by expiry) and the prefix of the per-address sets ('<hex>|<port>' by
-- expiry, one per ip), which count entries against the limits.
local function context(base, hex, all, address_prefix)
  return {k = swarm_keys(base), hex = hex, all = all, address_prefix = address_prefix}
end

local function ip_of(address)
  return string.match(address, '^(.*)|[^|]*$')
end

local function port_of(address)
  return string.match(address, '|([^|]*)$')
end

-- The peer id hex a stored record starts with.
local function id_of(record)
  return string.match(record, '^[^|]*')
end

local function address_key(ctx, address)
  return ctx.address_prefix .. ip_of(address)
end

-- Removes the entry at one address from every structure; returns its record, if there was one.
local function forget(ctx, address)
  local k = ctx.k
  local record = redis.call('HGET', k.peers, address)
  if record then
    local idkey = ip_of(address) .. '|' .. id_of(record)
    if redis.call('HGET', k.ids, idkey) == address then
      redis.call('HDEL', k.ids, idkey)
    end
    redis.call('HDEL', k.peers, address)
  end
  redis.call('ZREM', k.seeds, address)
  redis.call('ZREM', k.leechers, address)
  redis.call('ZREM', ctx.all, ctx.hex .. '|' .. address)
  redis.call('ZREM', address_key(ctx, address), ctx.hex .. '|' .. port_of(address))
  return record
end

-- Removes the peers that expired at now; returns how many.
local function trim(ctx, now)
  local removed = 0
  for _, set in ipairs({ctx.k.seeds, ctx.k.leechers}) do
    for _, address in ipairs(redis.call('ZRANGEBYSCORE', set, '-inf', now)) do
      forget(ctx, address)
      removed = removed + 1
    end
  end
  return removed
end

-- Raises a key's TTL to at least the given seconds (never lowers it).
local function extend(key, seconds)
  local current = redis.call('TTL', key)
  if current == -1 or (current >= 0 and current < seconds) then
    redis.call('EXPIRE', key, seconds)
  end
end

-- After a change: deletes a swarm with no live peer (with its download count), else records its
-- latest expiry in the index and makes every key outlive it by the margin (the safety net for
-- when no tracker sweeps). Returns true if the swarm is still there.
local function refresh(k, index, hex, now, margin)
  local latest = nil
  for _, set in ipairs({k.seeds, k.leechers}) do
    local top = redis.call('ZREVRANGE', set, 0, 0, 'WITHSCORES')
    if top[2] and (latest == nil or tonumber(top[2]) > latest) then
      latest = tonumber(top[2])
    end
  end
  if latest == nil or latest <= now then
    redis.call('DEL', k.peers, k.seeds, k.leechers, k.ids, k.downloaded)
    redis.call('ZREM', index, hex)
    return false
  end
  redis.call('ZADD', index, latest, hex)
  local ttl = math.ceil((latest - now) / 1000) + margin
  for _, key in ipairs({k.peers, k.seeds, k.leechers, k.ids, k.downloaded}) do
    extend(key, ttl)
  end
  extend(index, ttl)
  return true
end
