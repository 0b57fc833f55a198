-- Sign-in throttling that cannot be turned against users (issue 12, item 5).
-- Counters of failed sign-ins per IP prefix (IPv4 /24, IPv6 /64) across all
-- utilities of the deployment, per address and prefix, and per address; a
-- counter slows guessing down (429 with Retry-After) instead of locking an
-- account that the right password could not open.
--
-- No utility_id on purpose: a prefix that floods one utility is throttled on
-- every utility of the deployment. The key is a SHA-256 of what it counts
-- (scope, prefix, utility, address), so no address or IP is stored here; the
-- application role reads and writes it without row-level security.
create table auth_throttle (
  key text primary key,
  -- ip_window (15 minutes), ip_day (24 hours), address_ip, address, trusted
  scope text not null check (scope in ('ip_window', 'ip_day', 'address_ip', 'address', 'trusted')),
  failures int not null default 0,
  -- Start of the fixed window (ip_window, ip_day).
  since timestamptz not null,
  -- The latest failure (or, for 'trusted', the latest successful sign-in).
  last_at timestamptz
);
create index auth_throttle_prune on auth_throttle (scope, (coalesce(last_at, since)));
