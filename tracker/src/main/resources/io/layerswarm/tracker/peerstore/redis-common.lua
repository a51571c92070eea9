-- Shared by every RedisPeerStore script (prepended to each one). See RedisPeerStore for the
-- data model. Times are epoch milliseconds passed in by the tracker; no script reads Redis TIME.
-- A peer is live while now < its expiry, i.e. while its score is above now.

-- The keys of one swarm, from its base key 'layerswarm:swarm:<hex>'.
local function swarm_keys(base)
  return {
    peers = base,                       -- hash: peer id hex -> '<ip>|<port>|<S|L>|<zone>|<rack>'
    seeds = base .. ':seeds',           -- sorted set: peer id hex, scored by expiry
    leechers = base .. ':leechers',     -- sorted set: peer id hex, scored by expiry
    addresses = base .. ':addresses',   -- hash: '<ip>|<port>' -> peer id hex
    downloaded = base .. ':downloaded', -- string: completed events since the swarm was empty
  }
end

-- The '<ip>|<port>' a stored record starts with.
local function address_of(record)
  return string.match(record, '^[^|]*|[^|]*')
end

-- Removes one peer from every structure of its swarm.
local function forget(k, id)
  local record = redis.call('HGET', k.peers, id)
  if record then
    local address = address_of(record)
    if redis.call('HGET', k.addresses, address) == id then
      redis.call('HDEL', k.addresses, address)
    end
    redis.call('HDEL', k.peers, id)
  end
  redis.call('ZREM', k.seeds, id)
  redis.call('ZREM', k.leechers, id)
end

-- Removes the peers that expired at now; returns how many.
local function trim(k, now)
  local removed = 0
  for _, set in ipairs({k.seeds, k.leechers}) do
    local expired = redis.call('ZRANGEBYSCORE', set, '-inf', now)
    for _, id in ipairs(expired) do
      local record = redis.call('HGET', k.peers, id)
      if record then
        local address = address_of(record)
        if redis.call('HGET', k.addresses, address) == id then
          redis.call('HDEL', k.addresses, address)
        end
        redis.call('HDEL', k.peers, id)
      end
    end
    removed = removed + redis.call('ZREMRANGEBYSCORE', set, '-inf', now)
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
    redis.call('DEL', k.peers, k.seeds, k.leechers, k.addresses, k.downloaded)
    redis.call('ZREM', index, hex)
    return false
  end
  redis.call('ZADD', index, latest, hex)
  local ttl = math.ceil((latest - now) / 1000) + margin
  for _, key in ipairs({k.peers, k.seeds, k.leechers, k.addresses, k.downloaded}) do
    extend(key, ttl)
  end
  extend(index, ttl)
  return true
end
