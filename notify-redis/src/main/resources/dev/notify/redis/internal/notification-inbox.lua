-- notify: one user's inbox (RedisNotificationStore). Every call is atomic.
-- KEYS, all in the user's hash slot ({<prefix>:u:<userId>}):
--   1 ids      zset, score 0: every kept notification id; ids are ULIDs, so lexical order is time order
--   2 bodies   hash id -> JSON body (immutable)
--   3 states   hash id -> "P" | "D|<deliveredAt>" | "R|<deliveredAt>|<readAt>" (ISO-8601 instants)
--   4 expiries hash id -> expiresAt in epoch microseconds (only notifications that expire)
--   5 pending  zset, score 0: ids still pending
--   6 unread   zset id -> expiresAt in epoch microseconds (+inf when it never expires): ids not read
--   7 idem     hash idempotency key -> id
--   8 ikeys    hash id -> idempotency key (to forget the key with the notification)
--   9 devs     zset device id -> last seen, epoch ms: the user's known devices
--  10 since    hash device id -> the id after which its catch-up starts ('' for the oldest)
--  11 stream   (save only, single Redis only) the delivery stream of the notification's priority
-- and, per known device, the zset <tag>d:<device id> of the ids it acknowledged (same slot as the keys above).
-- ARGV[1] is the operation; the rest depends on it. Numbers stay strings from ARGV to the commands: Lua
-- numbers are doubles and tostring() would round them.
local ids, bodies, states, expiries, pending, unread = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local idem, ikeys, devs, since = KEYS[7], KEYS[8], KEYS[9], KEYS[10]
local tag = string.sub(ids, 1, #ids - 3)
local op = ARGV[1]

local function acked(device)
  return tag .. 'd:' .. device
end

local function drop(list)
  local devices = redis.call('ZRANGE', devs, 0, -1)
  for _, id in ipairs(list) do
    redis.call('ZREM', ids, id)
    redis.call('HDEL', bodies, id)
    redis.call('HDEL', states, id)
    redis.call('HDEL', expiries, id)
    redis.call('ZREM', pending, id)
    redis.call('ZREM', unread, id)
    local key = redis.call('HGET', ikeys, id)
    if key then
      redis.call('HDEL', ikeys, id)
      if redis.call('HGET', idem, key) == id then
        redis.call('HDEL', idem, key)
      end
    end
    for _, device in ipairs(devices) do
      redis.call('ZREM', acked(device), id)
    end
  end
end

local function forgetDevice(device)
  redis.call('DEL', acked(device))
  redis.call('HDEL', since, device)
  redis.call('ZREM', devs, device)
end

-- every key of the inbox expires after ttl ms (maxAge and a minute) without writes. Refreshing them all on every
-- write would cost a dozen writes, each an AOF entry: they are refreshed together once the last refresh is a minute
-- old (every key then still outlives maxAge), and a key made since then gets its expiry at once. made: the keys the
-- calling write may have made (bodies and states live and die with ids, whose own check is the first line).
local function keep(ttl, made)
  if redis.call('PTTL', ids) > tonumber(ttl) - 60000 then
    for _, key in ipairs(made) do
      if redis.call('PTTL', key) == -1 then
        redis.call('PEXPIRE', key, ttl)
      end
    end
    return
  end
  for i = 1, 10 do
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
  for _, device in ipairs(redis.call('ZRANGE', devs, 0, -1)) do
    redis.call('PEXPIRE', acked(device), ttl)
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

-- save: id, body, expiresAt µs or '', age cutoff id, maxPerUser, key ttl ms, idempotency key or ''[, user,
-- notBefore µs] -> the id stored: this one, or the one saved earlier with the same idempotency key
if op == 'save' then
  local id, exp, key = ARGV[2], ARGV[4], ARGV[8]
  trimAge(ARGV[5])
  if key ~= '' then
    local earlier = redis.call('HGET', idem, key)
    if earlier and redis.call('HEXISTS', bodies, earlier) == 1 then
      return earlier
    end
    redis.call('HSET', idem, key, id)
    redis.call('HSET', ikeys, id, key)
  end
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
  local made = {pending, unread}
  if exp ~= '' then
    made[#made + 1] = expiries
  end
  if key ~= '' then
    made[#made + 1] = idem
    made[#made + 1] = ikeys
  end
  keep(ARGV[7], made)
  if KEYS[11] then
    redis.call('XADD', KEYS[11], '*', 'id', id, 'user', ARGV[9], 'attempt', '1', 'nb', ARGV[10])
  end
  return id
end

-- find: id -> {body or nil, state or nil}
if op == 'find' then
  return {redis.call('HGET', bodies, ARGV[2]), redis.call('HGET', states, ARGV[2])}
end

-- the known devices among the given ones record the ids as acknowledged, and the ids still pending become
-- delivered; the keys are a user's ids, states, pending and devs -> the ids that were pending
local function deliveredTo(own, s, p, d, at, ttl, devices, list)
  local prefix = string.sub(own, 1, #own - 3) .. 'd:'
  local known, changed = {}, {}
  for _, device in ipairs(devices) do
    if redis.call('ZSCORE', d, device) then
      known[#known + 1] = prefix .. device
    end
  end
  for _, id in ipairs(list) do
    -- a kept notification has a state (bodies and states are written and dropped together)
    local state = redis.call('HGET', s, id)
    if state and #known > 0 then
      for _, set in ipairs(known) do
        redis.call('ZADD', set, 0, id)
      end
    end
    if state == 'P' then
      redis.call('HSET', s, id, 'D|' .. at)
      redis.call('ZREM', p, id)
      changed[#changed + 1] = id
    end
  end
  for _, set in ipairs(known) do
    -- a new set; the others are refreshed with the inbox (keep)
    if redis.call('PTTL', set) == -1 then
      redis.call('PEXPIRE', set, ttl)
    end
  end
  return changed
end

-- reads a count n at ARGV[a], then n values -> the values, the index after them
local function counted(a)
  local n, list = tonumber(ARGV[a]), {}
  for i = a + 1, a + n do
    list[#list + 1] = ARGV[i]
  end
  return list, a + n + 1
end

-- delivered: at, key ttl ms, device count n, n device ids, ids... -> the ids that were pending; the known devices
-- among the given ones record them as acknowledged
if op == 'delivered' then
  local devices, a = counted(4)
  local list = {}
  for i = a, #ARGV do
    list[#list + 1] = ARGV[i]
  end
  return deliveredTo(ids, states, pending, devs, ARGV[2], ARGV[3], devices, list)
end

-- findmany (single Redis: several users at once): KEYS are (bodies, states) per call, ARGV[2...] one id per call
--   -> {body or nil, state or nil} per call, flattened
if op == 'findmany' then
  local out = {}
  for i = 2, #ARGV do
    local b, s = KEYS[2 * i - 3], KEYS[2 * i - 2]
    out[#out + 1] = redis.call('HGET', b, ARGV[i])
    out[#out + 1] = redis.call('HGET', s, ARGV[i])
  end
  return out
end

-- deliveredmany (single Redis: several users at once): key ttl ms, then per call: at, device count n, n device
-- ids, id count m, m ids; KEYS are (ids, states, pending, devs) per call -> per call, as delivered
if op == 'deliveredmany' then
  local ttl, a, out = ARGV[2], 3, {}
  for k = 0, #KEYS - 4, 4 do
    local at, devices, list = ARGV[a], nil, nil
    devices, a = counted(a + 1)
    list, a = counted(a)
    out[#out + 1] = deliveredTo(KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], at, ttl, devices, list)
  end
  return out
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

-- the id after which a new device's catch-up starts: the newest id (limit 0), '' (all unread: limit -1), or the
-- one just older than the limit-th newest unread, unexpired notification
local function start(limit, now)
  if limit == 0 then
    return redis.call('ZREVRANGEBYLEX', ids, '+', '-', 'LIMIT', 0, 1)[1] or ''
  end
  if limit < 0 then
    return ''
  end
  local from, count = '+', 0
  while true do
    local chunk = redis.call('ZREVRANGEBYLEX', ids, from, '-', 'LIMIT', 0, 100)
    if #chunk == 0 then
      return ''
    end
    for _, id in ipairs(chunk) do
      if string.sub(redis.call('HGET', states, id) or 'R', 1, 1) ~= 'R' and not expired(id, now) then
        count = count + 1
        if count == limit then
          return redis.call('ZREVRANGEBYLEX', ids, '(' .. id, '-', 'LIMIT', 0, 1)[1] or ''
        end
      end
    end
    from = '(' .. chunk[#chunk]
  end
end

-- adddevice: device id, policy limit (0 none, -1 all unread, n), maxDevices, now ms, now µs, age cutoff id,
-- key ttl ms, stale ms (devices last seen before it are forgotten) -> 1 when the device is new, 0 when it was known
if op == 'adddevice' then
  local device, now = ARGV[2], tonumber(ARGV[6])
  trimAge(ARGV[7])
  -- devices not seen for maxAge are forgotten
  local stale = redis.call('ZRANGEBYSCORE', devs, '-inf', '(' .. ARGV[9])
  for _, old in ipairs(stale) do
    forgetDevice(old)
  end
  local known = redis.call('ZSCORE', devs, device)
  if not known then
    local max = tonumber(ARGV[4])
    while redis.call('ZCARD', devs) >= max do
      forgetDevice(redis.call('ZRANGE', devs, 0, 0)[1])
    end
    redis.call('HSET', since, device, start(tonumber(ARGV[3]), now))
  end
  redis.call('ZADD', devs, ARGV[5], device)
  keep(ARGV[8], {devs, since})
  if known then
    return 0
  end
  return 1
end

-- undelivered: age cutoff id, now µs, after id or '', limit, device id or '' -> {body, state, body, state...}, oldest
-- first: with a device, the unread, unexpired ones it has not acknowledged, after its start; without, the pending
-- unexpired ones
if op == 'undelivered' then
  trimAge(ARGV[2])
  local now, limit, device, out = tonumber(ARGV[3]), tonumber(ARGV[5]), ARGV[6], {}
  local from = ARGV[4]
  local set, scan = pending, pending
  if device ~= '' then
    set, scan = acked(device), ids
    local first = redis.call('HGET', since, device) or ''
    if first > from then
      from = first
    end
  end
  if from == '' then
    from = '-'
  else
    from = '(' .. from
  end
  while #out < limit * 2 do
    local chunk = redis.call('ZRANGEBYLEX', scan, from, '+', 'LIMIT', 0, 100)
    if #chunk == 0 then
      break
    end
    for _, id in ipairs(chunk) do
      if #out >= limit * 2 then
        break
      end
      local state = redis.call('HGET', states, id)
      local wanted
      if device == '' then
        wanted = state == 'P'
      else
        wanted = state and string.sub(state, 1, 1) ~= 'R' and not redis.call('ZSCORE', set, id)
      end
      if wanted and not expired(id, now) then
        local body = redis.call('HGET', bodies, id)
        if body then
          out[#out + 1] = body
          out[#out + 1] = state
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
