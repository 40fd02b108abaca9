#!/usr/bin/env bash
# Checks the README's promise that `--fidelity cycle` gives the same cycles as the fast mode:
# every zoo network on the edge, mobile and cloud configs under both schedules, and random small
# configs and workloads (fixed seed) under both schedules. A case passes when the total cycles
# and every layer's start and length agree. Cycle runs longer than the time limit are skipped.
# Prints one line per case and the counts; exits 1 on any difference or failed run.
# Usage: bench/fidelity.sh [path/to/duet] [random cases] [seconds per cycle run]
set -uo pipefail
duet=$(realpath "${1:-build/cli/duet}")
random_cases=${2:-200}
limit=${3:-60}
seed=21
cd "$(dirname "$0")/.." || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The cycles of a report, then whether two reports agree on every layer's start and length.
cat >"$work/compare.py" <<'EOF'
import json, sys
fast, cycle = (json.load(open(p)) for p in sys.argv[1:3])
def layers(r):
    return [(l["name"], l["start_cycle"], l["cycles"]) for l in r["layers"]]
same = fast["summary"]["cycles"] == cycle["summary"]["cycles"] and layers(fast) == layers(cycle)
print(fast["summary"]["cycles"], cycle["summary"]["cycles"], "equal" if same else "DIFFERENT")
EOF

# Random accelerators and networks: small enough that a cycle run takes about a second.
cat >"$work/random.py" <<'EOF'
import json, random, sys
count, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(seed)

def config(i):
    share = rng.choice([(0.4, 0.4, 0.2), (0.3, 0.3, 0.4), (0.45, 0.45, 0.1), (0.2, 0.5, 0.3)])
    return {
        "name": f"random-{i}",
        "clock_ghz": rng.choice([0.5, 0.8, 1.0, 1.5]),
        "technology_nm": 28,
        "data_types": {"weight": rng.choice(["int8", "int8", "int16", "fp16"]),
                       "activation": rng.choice(["int8", "int8", "int16"]),
                       "accumulator": rng.choice(["int32", "fp32"])},
        "pe_array": {"rows": rng.randint(1, 16), "cols": rng.randint(1, 16),
                     "dataflow": rng.choice(["ws", "os", "is"])},
        "global_buffer": {"size_kib": rng.randint(32, 256), "banks": rng.randint(1, 16),
                          "bank_width_bytes": rng.choice([2, 4, 8, 16]),
                          "partition": dict(zip(["ifmap", "filter", "ofmap"], share)),
                          "double_buffered": rng.random() < 0.75},
        "dram": {"bandwidth_gbps": rng.choice([0.5, 1, 2, 4, 6.4, 12.8, 25.6, 64]),
                 "latency_ns": rng.choice([0, 1, 20, 50, 100, 150])},
        "sfu": {"kind": rng.choice(["exact", "nnlut", "ibert"]), "lanes": rng.randint(1, 32),
                "pipeline_depth": rng.randint(1, 8)},
    }

class Net:
    def __init__(self):
        self.layers, self.n = [], 0
    def add(self, op, inputs, **attrs):
        self.n += 1
        name = f"l{self.n}.{op}"
        self.layers.append({"name": name, "op": op, "inputs": inputs, **attrs})
        return name

def transformer(net):
    b, s = rng.randint(1, 2), rng.randint(2, 48)
    heads = rng.randint(1, 4)
    d = heads * rng.randint(2, 32)
    if rng.random() < 0.3:
        inputs = {"ids": [b, s]}
        x = net.add("embedding", ["ids"], vocab=rng.randint(10, 5000), dim=d)
    else:
        inputs = {"x": [b, s, d]}
        x = "x"
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["gemm", "act", "attention", "heads", "ffn", "mul"])
        if kind == "gemm":
            d = heads * rng.randint(2, 32)
            x = net.add("gemm", [x], out_features=d)
        elif kind == "act":
            x = net.add(rng.choice(["gelu", "silu", "relu", "sigmoid", "tanh", "layernorm",
                                    "softmax"]), [x])
        elif kind == "attention":
            q, k, v = (net.add("gemm", [x], out_features=d) for _ in range(3))
            p = net.add("softmax", [net.add("matmul", [q, k], transpose_b=True)])
            o = net.add("gemm", [net.add("matmul", [p, v])], out_features=d)
            x = net.add("add", [o, x])
        elif kind == "heads":  # multi-head attention through views
            def split(t):
                t = net.add("reshape", [t], shape=[b, s, heads, d // heads])
                return net.add("transpose", [t], perm=[0, 2, 1, 3])
            q, k, v = (split(net.add("gemm", [x], out_features=d)) for _ in range(3))
            p = net.add("softmax", [net.add("matmul", [q, k], transpose_b=True)])
            c = net.add("transpose", [net.add("matmul", [p, v])], perm=[0, 2, 1, 3])
            c = net.add("reshape", [c], shape=[b, s, d])
            x = net.add("layernorm", [net.add("add", [net.add("gemm", [c], out_features=d), x])])
        elif kind == "ffn":
            h = net.add("gelu", [net.add("gemm", [x], out_features=rng.randint(4, 256))])
            x = net.add("add", [net.add("gemm", [h], out_features=d), x])
        else:
            x = net.add("mul", [x, x])
    return inputs

def cnn(net):
    n, c, h = rng.randint(1, 2), rng.randint(1, 24), rng.randint(4, 32)
    inputs = {"x": [n, c, h, h]}
    x = "x"
    for _ in range(rng.randint(1, 5)):
        kind = rng.choice(["conv", "conv", "depthwise", "residual", "act", "pool"])
        if kind == "conv":
            k, stride = rng.choice([1, 3, 5]), rng.randint(1, 2)
            c = rng.randint(1, 48)
            x = net.add("conv2d", [x], out_channels=c, kernel=k, stride=stride, padding=k // 2)
            h = (h - 1) // stride + 1
        elif kind == "depthwise":
            x = net.add("conv2d", [x], out_channels=c, kernel=3, padding=1, groups=c)
        elif kind == "residual":
            y = net.add("conv2d", [x], out_channels=c, kernel=3, padding=1)
            x = net.add("relu", [net.add("add", [y, x])])
        elif kind == "act":
            x = net.add(rng.choice(["relu", "clip", "batchnorm", "hardswish", "sigmoid"]), [x])
        elif h >= 2:
            x = net.add(rng.choice(["maxpool", "avgpool"]), [x], kernel=2, stride=2)
            h //= 2
    if rng.random() < 0.5:
        x = net.add("reshape", [net.add("global_avgpool", [x])], shape=[n, c])
        net.add("gemm", [x], out_features=rng.randint(2, 20))
    return inputs

for i in range(count):
    net = Net()
    inputs = transformer(net) if rng.random() < 0.5 else cnn(net)
    if not net.layers:
        net.add("relu", [next(iter(inputs))])
    json.dump(config(i), open(f"{out}/{i:03d}-arch.json", "w"), indent=1)
    json.dump({"name": f"random-{i}", "inputs": inputs, "layers": net.layers},
              open(f"{out}/{i:03d}-workload.json", "w"), indent=1)
EOF

mkdir -p "$work/random"
python3 "$work/random.py" "$random_cases" "$seed" "$work/random" || exit 1

cases=0 equal=0 different=0 skipped=0 failed=0
# run_case LABEL SIM-ARGS...: the fast run, then the cycle run under the time limit.
run_case() {
  local label=$1 rc=0
  shift
  cases=$((cases + 1))
  if ! "$duet" sim "$@" --out "$work/fast.json" >/dev/null 2>"$work/err"; then
    failed=$((failed + 1))
    printf '%-58s %14s %14s  FAILED (fast): %s\n' "$label" - - "$(tail -1 "$work/err")"
    return
  fi
  timeout "$limit" "$duet" sim "$@" --fidelity cycle --out "$work/cycle.json" >/dev/null \
    2>"$work/err" || rc=$?
  if [ "$rc" -eq 124 ]; then
    skipped=$((skipped + 1))
    printf '%-58s %14s %14s  skipped (cycle run > %s s)\n' "$label" \
      "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["cycles"])' \
        "$work/fast.json")" - "$limit"
    return
  elif [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))
    printf '%-58s %14s %14s  FAILED (cycle): %s\n' "$label" - - "$(tail -1 "$work/err")"
    return
  fi
  local result
  read -r -a result < <(python3 "$work/compare.py" "$work/fast.json" "$work/cycle.json")
  if [ "${result[2]}" = equal ]; then equal=$((equal + 1)); else different=$((different + 1)); fi
  printf '%-58s %14s %14s  %s\n' "$label" "${result[0]}" "${result[1]}" "${result[2]}"
}

start=$(date +%s)
printf '%-58s %14s %14s  %s\n' case fast cycle result
# The zoo (workloads/zoo.cpp), and BERT-base at sequence 16, whose cycle run once differed.
zoo=("resnet18" "resnet50" "mobilenet_v2" "vgg16" "bert-base" "bert-large" "vit-b16"
     "bert-base --seq-len 16")
for arch in edge mobile cloud; do
  for w in "${zoo[@]}"; do
    for schedule in sequential overlap; do
      # shellcheck disable=SC2086
      run_case "$arch $w $schedule" --arch "$arch" --workload $w --schedule "$schedule"
    done
  done
done
for ((i = 0; i < random_cases; i++)); do
  n=$(printf '%03d' "$i")
  for schedule in sequential overlap; do
    run_case "random-$n $schedule" --arch "$work/random/$n-arch.json" \
      --workload "$work/random/$n-workload.json" --schedule "$schedule"
  done
done

echo
echo "cases: $cases, equal: $equal, different: $different," \
  "skipped for time (cycle run > $limit s): $skipped, failed: $failed"
echo "wall time: $(($(date +%s) - start)) s"
[ "$different" -eq 0 ] && [ "$failed" -eq 0 ]
