-- KEYS[1] the swarm index, KEYS[2] the set of every entry. ARGV: key prefix
-- 'layerswarm:v2:swarm:', now ms, TTL margin s, first rank, how many swarms, per-address key
-- prefix. Trims expired peers from one page of swarms (by rank in the index) and deletes the
-- swarms left without a live peer. Returns {peers removed, swarms visited, swarms kept}.
local index = KEYS[1]
local prefix, now, margin = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local first, count = tonumber(ARGV[4]), tonumber(ARGV[5])
local hexes = redis.call('ZRANGE', index, first, first + count - 1)
local removed, kept = 0, 0
for _, hex in ipairs(hexes) do
  local ctx = context(prefix .. hex, hex, KEYS[2], ARGV[6])
  removed = removed + trim(ctx, now)
  if refresh(ctx.k, index, hex, now, margin) then
    kept = kept + 1
  end
end
return {removed, #hexes, kept}
