-- placeholder (head-office migration 003 belongs to branch xfer; the integrator renumbers)
SELECT 1;
