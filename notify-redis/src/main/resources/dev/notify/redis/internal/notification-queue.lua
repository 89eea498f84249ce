-- notify: the delivery queue (RedisNotificationStore). Every call is atomic.
-- KEYS, all in the queue's hash slot ({<prefix>:q}):
--   1 urgent, 2 normal, 3 low  streams of jobs (fields id, user, attempt, nb = not before, epoch µs), read
--                              through one consumer group; a claimed job is in the group's pending entries list
--                              until complete (XACK + XDEL) or retry
--   4 delayed                  zset "<stream>|<attempt>|<notBefore µs>|<id>|<user>" -> notBefore µs: retries
--                              waiting for their time
-- ARGV[1] is the operation, ARGV[2] the consumer group.
local op, group = ARGV[1], ARGV[2]

local function entries(list, stream, jobs)
  local n = 0
  for _, e in ipairs(list) do
    -- Redis 6.2 answers a claimed entry that was deleted meanwhile with nil fields: skip it
    if e and e[2] then
      jobs[#jobs + 1] = {stream, e[1], e[2]}
      n = n + 1
    end
  end
  return n
end

-- runs a consumer-group command on a stream; a stream met without the group (not read before, or lost with it when
-- Redis restarted without persistence) gets the group, from its first entry, and the command runs again
--   -> the reply, or nil and the error of any other failure
local function grouped(stream, ...)
  local r = redis.pcall(...)
  if type(r) == 'table' and r.err then
    if not string.find(r.err, 'NOGROUP') then
      return nil, r
    end
    redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
    r = redis.call(...)
  end
  return r
end

-- claim: consumer, max, visibility ms or '', now µs, cursor urgent, cursor normal, cursor low[, inbox key prefix]
--   -> {{next cursors}, {{stream index, entry id, fields[, body, state]}...}}
-- With '' for the visibility, jobs claimed by others are left alone this time: looking for them scans the pending
-- entries (about 1 µs each, ten per job asked for), so the store does it at most once a second, not on every claim.
-- With the prefix of the users' inbox keys ("{<prefix>:u:", single Redis only: those keys are in other slots), each
-- job also carries its notification's body and state as the inbox holds them (nil when it is gone), so that
-- delivering it takes no other read.
if op == 'claim' then
  local consumer, left, idle, now = ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
  -- due retries move into their stream
  local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 1000)
  for _, m in ipairs(due) do
    local s, attempt, nb, rest = string.match(m, '^(%d)|(%d+)|(%d+)|(.*)$')
    redis.call('XADD', KEYS[tonumber(s)], '*', 'id', string.sub(rest, 1, 26), 'user', string.sub(rest, 28),
      'attempt', attempt, 'nb', nb)
    redis.call('ZREM', KEYS[4], m)
  end
  local cursors, jobs = {}, {}
  for i = 1, 3 do
    cursors[i] = ARGV[6 + i]
    if left > 0 then
      -- jobs claimed longer ago than the visibility timeout (their node died or stalled) first, then new ones
      if idle ~= '' then
        local r, err = grouped(KEYS[i], 'XAUTOCLAIM', KEYS[i], group, consumer, idle, ARGV[6 + i], 'COUNT', left)
        if err then
          return err
        end
        cursors[i] = r[1]
        left = left - entries(r[2], i, jobs)
      end
      if left > 0 then
        local fresh, err = grouped(KEYS[i], 'XREADGROUP', 'GROUP', group, consumer, 'COUNT', left, 'STREAMS',
          KEYS[i], '>')
        if err then
          return err
        end
        if fresh then
          left = left - entries(fresh[1][2], i, jobs)
        end
      end
    end
  end
  local inbox = ARGV[10]
  if inbox then
    for _, job in ipairs(jobs) do
      local f, id, user = job[3], nil, nil
      for k = 1, #f - 1, 2 do
        if f[k] == 'id' then id = f[k + 1] elseif f[k] == 'user' then user = f[k + 1] end
      end
      if id and user then
        local tag = inbox .. user .. '}:'
        job[4] = redis.call('HGET', tag .. 'n', id)
        job[5] = redis.call('HGET', tag .. 'st', id)
      end
    end
  end
  return {cursors, jobs}
end

-- enqueue (Redis Cluster, after the inbox save): stream index, id, user, notBefore µs
if op == 'enqueue' then
  return redis.call('XADD', KEYS[tonumber(ARGV[3])], '*', 'id', ARGV[4], 'user', ARGV[5], 'attempt', '1',
    'nb', ARGV[6])
end

-- settle (complete, retry, or a batch of either): per job, stream index, entry id, then '' to complete it
-- (XACK + XDEL) or its delayed member and not-before µs to retry it (XACK + XDEL + the delayed entry); a job settled
-- already (by an earlier call, or by a consumer that reclaimed it) is left as it is -> jobs settled
if op == 'settle' then
  local a, settled = 3, 0
  while a <= #ARGV do
    local stream, entry, member = KEYS[tonumber(ARGV[a])], ARGV[a + 1], ARGV[a + 2]
    a = a + 3
    if redis.call('XACK', stream, group, entry) == 1 then
      redis.call('XDEL', stream, entry)
      if member ~= '' then
        redis.call('ZADD', KEYS[4], ARGV[a], member)
      end
      settled = settled + 1
    end
    if member ~= '' then
      a = a + 1
    end
  end
  return settled
end

-- depth: -> jobs waiting, claimed or delayed
if op == 'depth' then
  return redis.call('XLEN', KEYS[1]) + redis.call('XLEN', KEYS[2]) + redis.call('XLEN', KEYS[3])
    + redis.call('ZCARD', KEYS[4])
end

return redis.error_reply('unknown queue operation ' .. tostring(op))
