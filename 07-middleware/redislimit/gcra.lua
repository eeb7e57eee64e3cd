-- GCRA (generic cell rate algorithm): the token bucket stored as one number per key,
-- the "theoretical arrival time" (TAT) at which the bucket would be full again.
--
-- KEYS[1]  the limit's key
-- ARGV[1]  emission interval: microseconds per token (1e6 / rate)
-- ARGV[2]  burst: tokens the bucket holds
--
-- Returns {allowed (1 or 0), debt}: debt is how far (microseconds) the TAT lies ahead of
-- now after this call; tokens left = burst - debt / interval.
--
-- Time comes from Redis TIME, never from the gateway: instances whose clocks disagree
-- would otherwise hand out extra tokens (spring-cloud-gateway#2412).

if redis.replicate_commands then
  -- Redis 3.2-6: replicate the write, not the script, so calling TIME before writing is
  -- allowed. Redis 7 always does this.
  redis.replicate_commands()
end

local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then
  tat = now
end

local new_tat = tat + interval
if new_tat - now > interval * burst then
  return {0, math.floor(tat - now)}
end

local ttl_ms = math.max(1, math.ceil((new_tat - now) / 1000))
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', ttl_ms)
return {1, math.floor(new_tat - now)}
