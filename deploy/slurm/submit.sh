#!/bin/bash
# Submit the shards as an array job and the merge after all of them succeed.
# Usage (from the repository root): SHARDS=8 TRIALS=10000000 deploy/slurm/submit.sh
set -euo pipefail
SHARDS=${SHARDS:-8}
export SHARDS TRIALS SCENARIO BIN
mkdir -p parts
array=$(sbatch --parsable --array=0-$((SHARDS - 1)) --export=ALL deploy/slurm/shards.sbatch)
sbatch --dependency=afterok:"$array" --export=ALL deploy/slurm/merge.sbatch
