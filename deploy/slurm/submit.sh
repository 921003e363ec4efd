#!/bin/bash
# Submit the shards as an array job and the merge after all of them succeed.
# Usage (from the folder that holds the binary and scenario, usually the repository
# root): SHARDS=8 TRIALS=10000000 deploy/slurm/submit.sh
set -euo pipefail
SHARDS=${SHARDS:-8}
export SHARDS TRIALS SCENARIO BIN
here=$(dirname "$0")
# Slurm does not create the folder of a job's --output log: logs/ must exist.
mkdir -p parts logs
array=$(sbatch --parsable --array=0-$((SHARDS - 1)) --export=ALL "$here/shards.sbatch")
sbatch --dependency=afterok:"$array" --export=ALL "$here/merge.sbatch"
