#!/usr/bin/env bash
# The command line (issue 15): every command answers --help with its own options (exit 0, stdout),
# and the options --help lists are exactly those its spec defines and the parser accepts; usage
# errors (unknown option, missing required option, missing or bad value, a repeat, a flag with a
# value, excluded combinations) exit 2 naming the option. The expected options are read from the
# definitions in src/app (option/flag/integer/choice entries of each command's spec).
source "$(dirname "$0")/lib.sh"
APP="$(cd "$(dirname "$0")/../../src/app" && pwd)"

# The options a command's spec defines, from its source (generate and import add the shared
# compression options of store_options.hpp), one name per line.
defined_options() {
  local files=("$APP/cmd_${1//-/_}.cpp")  # train-labeller is cmd_train_labeller.cpp
  grep -q 'shard_write_option_defs()' "${files[0]}" && files+=("$APP/store_options.hpp")
  grep -ohE '[^.a-z_](option|flag|integer|choice)\("[a-z0-9-]+"' "${files[@]}" | sed -E 's/.*\("//; s/"$//' | sort -u
}
# The options a command's code reads (args.get/require/has/flag/all/get_int), one name per line.
read_options() {
  local files=("$APP/cmd_${1//-/_}.cpp")
  grep -q 'shard_write_options(args)' "${files[0]}" && files+=("$APP/store_options.hpp")
  grep -ohE 'args\.(get|require|has|flag|all|get_int)\("[a-z0-9-]+"' "${files[@]}" | sed -E 's/.*\("//; s/"$//' | sort -u
}
# The options a --help text lists (besides --help), one name per line.
listed_options() { grep -oE '^  --[a-z0-9-]+' "$1" | sed 's/^  --//' | sort -u; }

# The commands: those finseg --help lists must be those src/app implements.
expect_exit 0 "$FINSEG" --help
cp "$WORK/out" "$WORK/top"
[ ! -s "$WORK/err" ] || fail "finseg --help wrote to stderr: $(cat "$WORK/err")"
grep -q '^usage: finseg COMMAND' "$WORK/top" || fail "finseg --help has no usage line"
commands=$(ls "$APP" | sed -nE 's/^cmd_([a-z_]+)\.cpp$/\1/p' | tr _ - | sort)
listed=$(sed -n '/^Commands:/,/^$/p' "$WORK/top" | grep -oE '^  [a-z-]+( |$)' | tr -d ' ' | sort)
[ "$commands" = "$listed" ] || fail "finseg --help lists [$listed] but src/app has [$commands]"
[ "$(echo "$commands" | wc -l)" -ge 11 ] || fail "only $(echo "$commands" | wc -l) commands found"
for c in $commands; do
  # A summary on the name's line, or on the next one when the name is longer than the column.
  line=$(grep -E "^  $c +[a-z]" "$WORK/top" || grep -A1 -xE "  $c" "$WORK/top" | grep -E "^ {6,}[a-z]") ||
    fail "finseg --help: no one-line summary of $c"
done
expect_exit 0 "$FINSEG" help
cmp -s "$WORK/out" "$WORK/top" || fail "finseg help differs from finseg --help"
expect_exit 0 "$FINSEG" help run
grep -q '^usage: finseg run ' "$WORK/out" || fail "finseg help run is not run's help"
expect_exit 2 "$FINSEG"                       # no command: the same text, a usage error
grep -q '^Commands:' "$WORK/out" || fail "finseg without a command does not list the commands"
expect_exit 2 "$FINSEG" no-such-command
grep -q "unknown command 'no-such-command'" "$WORK/err" || fail "unknown command not named: $(cat "$WORK/err")"

for c in $commands; do
  for h in --help -h; do
    expect_exit 0 "$FINSEG" "$c" $h
    [ ! -s "$WORK/err" ] || fail "finseg $c $h wrote to stderr: $(cat "$WORK/err")"
    grep -q "^usage: finseg $c " "$WORK/out" || fail "finseg $c $h: no usage line"
  done
  cp "$WORK/out" "$WORK/help-$c"
  defined=$(defined_options "$c")
  [ -n "$defined" ] || fail "no option definitions found for $c in $APP/cmd_$c.cpp"
  listed=$(listed_options "$WORK/help-$c")
  [ "$defined" = "$listed" ] || fail "finseg $c --help lists [$(echo $listed)], its spec defines [$(echo $defined)]"
  # Every option the code reads is defined (else it would be an internal error at run time).
  for o in $(read_options "$c"); do
    # A here-string, not `echo | grep -q`: bash's echo writes line by line, and under pipefail a
    # grep -q that exits at an early match makes the echo's next write fail (SIGPIPE, a false fail).
    grep -qx -- "$o" <<< "$defined" || fail "cmd_$c.cpp reads --$o, which its spec does not define"
  done
  # Every listed option is accepted by the parser: given without its value it is never "unknown".
  for o in $listed; do
    set +e; "$FINSEG" "$c" "--$o" >/dev/null 2>"$WORK/err"; set -e
    ! grep -q 'unknown option' "$WORK/err" || fail "finseg $c --help lists --$o but the parser refuses it: $(cat "$WORK/err")"
  done
  expect_exit 2 "$FINSEG" "$c" --no-such-option
  grep -q -- '--no-such-option' "$WORK/err" || fail "finseg $c: the unknown option is not named: $(cat "$WORK/err")"
  grep -q "finseg $c: error:" "$WORK/err" || fail "finseg $c: no error line: $(cat "$WORK/err")"
  # A required option missing (the first one its help marks required): exit 2, named.
  required=$(grep -E '^  --[a-z0-9-]+ .*\(required' "$WORK/help-$c" | head -1 | grep -oE '^  --[a-z0-9-]+' | tr -d ' ') || true
  if [ -n "$required" ]; then
    expect_exit 2 "$FINSEG" "$c"
    grep -q -- "missing required option $required" "$WORK/err" || fail "finseg $c without $required: $(cat "$WORK/err")"
  fi
done
for c in generate import run serve; do
  grep -qE '^  --[a-z0-9-]+ .*\(required' "$WORK/help-$c" || fail "finseg $c --help marks no option required"
done

# Values: out of range, not a number, not a choice, missing; ranges and defaults in the help.
expect_exit 2 "$FINSEG" generate --out "$WORK/s" --users 0
grep -q -- "--users: must be an integer from 1 to 1000000000, got '0'" "$WORK/err" || fail "bad --users: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" generate --out "$WORK/s" --months 12x
grep -q -- "--months: must be an integer from 1 to 240, got '12x'" "$WORK/err" || fail "bad --months: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" run --store "$WORK/s" --results "$WORK/r" --lock-wait=-1 job.json
grep -q -- "--lock-wait: must be an integer from 0 to 86400" "$WORK/err" || fail "bad --lock-wait: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" serve --store "$WORK/s" --results "$WORK/r" --no-auth --port 65536
grep -q -- "--port: must be an integer from 0 to 65535, got '65536'" "$WORK/err" || fail "bad --port: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" serve --store "$WORK/s" --results "$WORK/r" --no-auth --port 0 --launcher pbs
grep -q -- "--launcher: must be one of local, slurm, got 'pbs'" "$WORK/err" || fail "bad --launcher: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" import --csv "$WORK/c" --out "$WORK/s" --labels guess
grep -q -- "--labels: must be one of learn, rules, none, got 'guess'" "$WORK/err" || fail "bad --labels: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" import --csv "$WORK/c" --out "$WORK/s" --memory-budget 1K
grep -q -- "--memory-budget: must be a size from 64K to 1024G (bytes, or a number with K, M or G), got '1K'" "$WORK/err" || fail "bad --memory-budget: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" import --csv "$WORK/c" --out "$WORK/s" --memory-budget 12X
grep -q -- "--memory-budget: must be a size from 64K to 1024G .*, got '12X'" "$WORK/err" || fail "bad --memory-budget: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" import --csv "$WORK/c" --out "$WORK/s" --shards 0
grep -q -- "--shards: must be an integer from 1 to 100000, got '0'" "$WORK/err" || fail "bad --shards: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" generate --out "$WORK/s" --compression zstd
grep -q -- "--compression: must be one of none, deflate" "$WORK/err" || fail "bad --compression: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" get --results
grep -q -- "option --results needs a value" "$WORK/err" || fail "missing value: $(cat "$WORK/err")"
grep -qE '^  --users N +customers \(1 to 1000000000; default 1000\)' "$WORK/help-generate" || fail "generate --help: --users range/default"
grep -qE '^  --launcher MODE .*\(local, slurm; default local\)' "$WORK/help-serve" || fail "serve --help: --launcher choices"
grep -qE '^  --job-id ID .*repeatable' "$WORK/help-run" || fail "run --help: --job-id repeatable"
grep -qE '^usage: finseg run \[OPTIONS\] JOB\.json' "$WORK/help-run" || fail "run --help: positional JOB.json"

# Combinations: a repeat, a flag with a value, excluded options, conditional options.
expect_exit 2 "$FINSEG" generate --out "$WORK/a" --out "$WORK/b"
grep -q -- "option --out given more than once" "$WORK/err" || fail "repeat: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" get --results "$WORK" --manifest=yes JOB
grep -q -- "option --manifest takes no value" "$WORK/err" || fail "flag value: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" serve --store "$WORK/s" --results "$WORK/r" --no-auth --port 0 --expiry-days 1 --expiry-seconds 60
grep -q -- "--expiry-days excludes --expiry-seconds" "$WORK/err" || fail "exclusion: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" import --csv "$WORK/c" --out "$WORK/s" --rejects "$WORK/rej.csv"
grep -q -- "--rejects and --replace-rejects need --max-rejects" "$WORK/err" || fail "conditional: $(cat "$WORK/err")"
expect_exit 2 "$FINSEG" get --results "$WORK" A B
grep -q "get takes one JOBID" "$WORK/err" || fail "positional count: $(cat "$WORK/err")"
[ ! -e "$WORK/s" ] && [ ! -e "$WORK/a" ] && [ ! -e "$WORK/b" ] || fail "a usage error left a store behind"

# Under mpirun: every rank parses, only rank 0 prints; usage errors once, exit 2.
expect_exit 0 mpi 3 "$FINSEG" run --help
[ "$(grep -c '^usage: finseg run ' "$WORK/out")" = 1 ] || fail "mpirun -np 3 finseg run --help: $(grep -c '^usage:' "$WORK/out") usage lines"
expect_exit 2 mpi 3 "$FINSEG" generate --out "$WORK/s" --bogus
[ "$(grep -c 'unknown option or argument --bogus' "$WORK/err")" = 1 ] || fail "mpirun -np 3: the usage error is not said once: $(cat "$WORK/err")"
echo "cli_help: OK ($(echo $commands | wc -w) commands)"
