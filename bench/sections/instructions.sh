# Sourced by bench/run (BENCH_SECTIONS=instructions, before api in the default run: api's creates add connections,
# which lengthen ListEndUserConnections' page): instructions the server executes
# per request, counted by valgrind's callgrind. Unlike throughput this does not move with the machine's hour, so
# it is the figure for a before/after of one change. One event loop, 4 keep-alive clients; the counters are
# zeroed after a warm-up and read after BENCH_INSTRUCTION_SECONDS (5) of wrk. Per-function costs:
# callgrind_annotate on the kept bench/results/callgrind-<operation>.out.
ensure_packages valgrind
[ -n "${BENCH_HUB:-}" ] || { ensure_server; source bench/sections/seed.sh; }
say "instructions per request (callgrind, 1 event loop)"
cg_port=18090 cg_url=http://127.0.0.1:18090
start_callgrind $cg_port api
count_instructions api healthz "$cg_url/healthz"
count_instructions api get_end_user -s bench/wrk/get_end_user.lua "$cg_url/"
count_instructions api list_connections -s bench/wrk/list_connections.lua "$cg_url/"
count_instructions api create_connection -s bench/wrk/create_connection.lua "$cg_url/"
stop_callgrind
