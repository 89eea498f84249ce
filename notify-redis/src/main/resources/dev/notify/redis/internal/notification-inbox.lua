-- notify: one user's inbox (RedisNotificationStore). Every call is atomic.
-- KEYS, all in the user's hash slot ({<prefix>:u:<userId>}):
--   1 ids      zset, score 0: every kept notification id; ids are ULIDs, so lexical order is time order
--   2 bodies   hash id -> JSON body (immutable)
--   3 states   hash id -> "P" | "D|<deliveredAt>" | "R|<deliveredAt>|<readAt>" (ISO-8601 instants)
--   4 expiries hash id -> expiresAt in epoch microseconds (only notifications that expire)
--   5 pending  zset, score 0: ids still pending
--   6 unread   zset id -> expiresAt in epoch microseconds (+inf when it never expires): ids not read
--   7 stream   (save only, single Redis only) the delivery stream of the notification's priority
-- ARGV[1] is the operation; the rest depends on it. Numbers stay strings from ARGV to the commands: Lua
-- numbers are doubles and tostring() would round them.
local ids, bodies, states, expiries, pending, unread = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local op = ARGV[1]

local function drop(list)
  for _, id in ipairs(list) do
    redis.call('ZREM', ids, id)
    redis.call('HDEL', bodies, id)
    redis.call('HDEL', states, id)
    redis.call('HDEL', expiries, id)
    redis.call('ZREM', pending, id)
    redis.call('ZREM', unread, id)
  end
end

-- retention by age: ids below the cutoff id were made before now - maxAge
local function trimAge(cutoff)
  local old = redis.call('ZRANGEBYLEX', ids, '-', '(' .. cutoff)
  if #old > 0 then
    drop(old)
  end
end

local function expired(id, now)
  local e = redis.call('HGET', expiries, id)
  return e and tonumber(e) <= now
end

local function markRead(id, at)
  local s = redis.call('HGET', states, id)
  if not s or string.sub(s, 1, 1) == 'R' then
    return false
  end
  local delivered = at
  if s ~= 'P' then
    delivered = string.sub(s, 3)
  end
  redis.call('HSET', states, id, 'R|' .. delivered .. '|' .. at)
  redis.call('ZREM', pending, id)
  redis.call('ZREM', unread, id)
  return true
end

-- save: id, body, expiresAt µs or '', age cutoff id, maxPerUser, key ttl ms[, user, notBefore µs]
if op == 'save' then
  local id, exp = ARGV[2], ARGV[4]
  trimAge(ARGV[5])
  redis.call('ZADD', ids, 0, id)
  redis.call('HSET', bodies, id, ARGV[3])
  redis.call('HSET', states, id, 'P')
  redis.call('ZADD', pending, 0, id)
  if exp ~= '' then
    redis.call('HSET', expiries, id, exp)
    redis.call('ZADD', unread, exp, id)
  else
    redis.call('ZADD', unread, '+inf', id)
  end
  -- retention by count: the oldest go first
  local max = tonumber(ARGV[6])
  local count = redis.call('ZCARD', ids)
  if count > max then
    drop(redis.call('ZRANGE', ids, 0, count - max - 1))
  end
  -- an inbox nobody writes to for maxAge is empty by then: let Redis drop its keys
  for i = 1, 6 do
    redis.call('PEXPIRE', KEYS[i], ARGV[7])
  end
  if KEYS[7] then
    redis.call('XADD', KEYS[7], '*', 'id', id, 'user', ARGV[8], 'attempt', '1', 'nb', ARGV[9])
  end
  return 1
end

-- find: id -> {body or nil, state or nil}
if op == 'find' then
  return {redis.call('HGET', bodies, ARGV[2]), redis.call('HGET', states, ARGV[2])}
end

-- delivered: at, ids... -> the ids that were pending
if op == 'delivered' then
  local at, changed = ARGV[2], {}
  for i = 3, #ARGV do
    local id = ARGV[i]
    if redis.call('HGET', states, id) == 'P' then
      redis.call('HSET', states, id, 'D|' .. at)
      redis.call('ZREM', pending, id)
      changed[#changed + 1] = id
    end
  end
  return changed
end

-- read: at, ids... -> the ids that were not read
if op == 'read' then
  local changed = {}
  for i = 3, #ARGV do
    if markRead(ARGV[i], ARGV[2]) then
      changed[#changed + 1] = ARGV[i]
    end
  end
  return changed
end

-- readall: at, now µs -> the unexpired unread ids, oldest first
if op == 'readall' then
  local list = redis.call('ZRANGEBYSCORE', unread, '(' .. ARGV[3], '+inf')
  table.sort(list)
  for _, id in ipairs(list) do
    markRead(id, ARGV[2])
  end
  return list
end

-- pending: age cutoff id, now µs, after id or '', limit -> bodies of pending unexpired ones, oldest first
if op == 'pending' then
  trimAge(ARGV[2])
  local now, limit, out = tonumber(ARGV[3]), tonumber(ARGV[5]), {}
  local from = '-'
  if ARGV[4] ~= '' then
    from = '(' .. ARGV[4]
  end
  while #out < limit do
    local chunk = redis.call('ZRANGEBYLEX', pending, from, '+', 'LIMIT', 0, 100)
    if #chunk == 0 then
      break
    end
    for _, id in ipairs(chunk) do
      if #out >= limit then
        break
      end
      if not expired(id, now) then
        local body = redis.call('HGET', bodies, id)
        if body then
          out[#out + 1] = body
        end
      end
    end
    from = '(' .. chunk[#chunk]
  end
  return out
end

-- inbox: age cutoff id, now µs, cursor id or '', limit -> {next cursor or nil, body, state, body, state...},
-- newest first, skipping expired ones; a next cursor only when an older unexpired one exists
if op == 'inbox' then
  trimAge(ARGV[2])
  local now, limit, items, more = tonumber(ARGV[3]), tonumber(ARGV[5]), {}, false
  local from = '+'
  if ARGV[4] ~= '' then
    from = '(' .. ARGV[4]
  end
  while not more do
    local chunk = redis.call('ZREVRANGEBYLEX', ids, from, '-', 'LIMIT', 0, 100)
    if #chunk == 0 then
      break
    end
    for _, id in ipairs(chunk) do
      if not expired(id, now) then
        if #items == limit then
          more = true
          break
        end
        items[#items + 1] = id
      end
    end
    from = '(' .. chunk[#chunk]
  end
  local out = {false}
  if more then
    out[1] = items[#items]
  end
  for _, id in ipairs(items) do
    out[#out + 1] = redis.call('HGET', bodies, id)
    out[#out + 1] = redis.call('HGET', states, id)
  end
  return out
end

-- unread: age cutoff id, now µs -> how many unexpired notifications are not read
if op == 'unread' then
  trimAge(ARGV[2])
  return redis.call('ZCOUNT', unread, '(' .. ARGV[3], '+inf')
end

return redis.error_reply('unknown inbox operation ' .. tostring(op))
