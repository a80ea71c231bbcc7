#!/usr/bin/env bash
# Regenerates the golden test data in this folder (see README.md).
#
# usage: make-golden.sh MODEL_DIR SHARED_DIR [OUT_DIR]
#   MODEL_DIR   folder holding the RVM TFJS graph model (rvm.json + rvm.bin)
#   SHARED_DIR  the project's shared folder: SHARED_DIR/reference (rvm-reference.js, package.json,
#               package-lock.json) and SHARED_DIR/media (astronaut.png, vtest-first20s.avi)
#   OUT_DIR     where the input folders go (default: the folder holding this script)
# environment:
#   REF_DIR     an already installed copy of the reference runner (folder with rvm-reference.js and
#               node_modules); default: copy SHARED_DIR/reference to a temporary folder and `npm ci` there
#   BACKEND     TensorFlow.js backend for the reference (default wasm)
#   CASES       space-separated subset of input names to (re)build (default: all of
#               astronaut odd-509x381 vtest-seq); an input is always rebuilt with all its outputs
#   KEEP_WORK   if set, keep the temporary folder (raw .f32 reference outputs) instead of deleting it
# needs: bash, node + npm (TensorFlow.js comes from the reference's package-lock.json), ffmpeg, python3.
#
# Layout: OUT_DIR/<input>/frame_NNNN.png (the input frames, stored once) and, per downsample ratio,
# OUT_DIR/<input>/<rNN>/{pha_NNNN.png,fgr_NNNN.png,meta.json}. Alpha: 16-bit grey, full precision.
# Foreground: 16-bit RGB, quantised to 10 bits, 0 wherever the stored alpha is 0.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then sed -n '2,20p' "$0" >&2; exit 2; fi
MODEL_DIR=$(cd "$1" && pwd)
SHARED_DIR=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
OUT_DIR=$(mkdir -p "${3:-$HERE}" && cd "${3:-$HERE}" && pwd)
BACKEND=${BACKEND:-wasm}
MEDIA=$SHARED_DIR/media
for f in "$MODEL_DIR/rvm.json" "$MODEL_DIR/rvm.bin" "$MEDIA/astronaut.png" "$MEDIA/vtest-first20s.avi"; do
  [ -f "$f" ] || { echo "missing $f" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rvm-golden.XXXXXX")
if [ -n "${KEEP_WORK:-}" ]; then echo "work folder (kept): $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
if [ -z "${REF_DIR:-}" ]; then
  REF_DIR=$WORK/reference
  cp -r "$SHARED_DIR/reference" "$REF_DIR"
  chmod -R u+w "$REF_DIR"
  (cd "$REF_DIR" && npm ci --no-audit --no-fund >/dev/null)
fi

# input name | source file (in SHARED_DIR/media) | ffmpeg -vf filter ("" for none) | frames |
#   outputs (subfolder:downsample_ratio ...) | what
INPUT_TABLE="
astronaut|astronaut.png||1|r1:1.0 r05:0.5|astronaut.png as it is (512x512 RGB)
odd-509x381|astronaut.png|crop=509:381:0:40|1|r1:1.0 r037:0.37|509x381 crop of astronaut.png at x=0, y=40
vtest-seq|vtest-first20s.avi|trim=start_frame=40:end_frame=48,setpts=PTS-STARTPTS,scale=320:240:flags=area|8|r0375:0.375|frames 40..47 (0-based) of vtest-first20s.avi, decoded and scaled 768x576 -> 320x240 (area) to rgb24 by ffmpeg
"

ffmpeg_version=$(ffmpeg -version | head -n1 | sed 's/ Copyright.*//')
node_version=$(node --version)
echo "model: $MODEL_DIR"
echo "reference: $REF_DIR ($BACKEND), node $node_version, $ffmpeg_version"

while IFS='|' read -r -u 3 name src vf n outputs what; do
  [ -n "$name" ] || continue
  if [ -n "${CASES:-}" ] && [[ " $CASES " != *" $name "* ]]; then continue; fi
  echo "== $name: $src ${vf:+-vf $vf }frames $n, outputs $outputs"
  dir=$OUT_DIR/$name
  rm -rf "$dir"; mkdir -p "$dir"
  vfargs=(); [ -z "$vf" ] || vfargs=(-vf "$vf")

  # 1. the input frames: 8-bit RGB PNGs, and (same pipeline) the raw rgb24 bytes straight from ffmpeg
  ffmpeg -nostdin -v error -y -i "$MEDIA/$src" "${vfargs[@]}" -frames:v "$n" -pix_fmt rgb24 \
    -pred mixed -compression_level 9 -start_number 0 "$dir/frame_%04d.png"
  ffmpeg -nostdin -v error -y -i "$MEDIA/$src" "${vfargs[@]}" -frames:v "$n" -f rawvideo -pix_fmt rgb24 "$WORK/$name.source.rgb"
  # 2. what the reference sees: the PNGs decoded back; must equal the pipeline's bytes exactly
  ffmpeg -nostdin -v error -y -start_number 0 -i "$dir/frame_%04d.png" -f rawvideo -pix_fmt rgb24 "$WORK/$name.input.rgb"
  cmp "$WORK/$name.source.rgb" "$WORK/$name.input.rgb"
  python3 "$HERE/golden.py" check-input "$dir" "$WORK/$name.input.rgb" "$n"
  read -r w h < <(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0 "$dir/frame_0000.png" | tr , ' ')
  cmd1="ffmpeg -i media/$src${vf:+ -vf '$vf'} -frames:v $n -pix_fmt rgb24 -pred mixed -compression_level 9 -start_number 0 frame_%04d.png"
  cmd2="ffmpeg -start_number 0 -i frame_%04d.png -f rawvideo -pix_fmt rgb24 input.rgb"

  for out in $outputs; do
    sub=${out%%:*}; ratio=${out#*:}
    echo "-- $name/$sub: ratio $ratio"
    odir=$dir/$sub
    mkdir -p "$odir"
    ref=$WORK/$name.$sub.ref
    # 3. one reference run over all the frames (recurrent state carried from frame to frame)
    node "$REF_DIR/rvm-reference.js" </dev/null --model "$MODEL_DIR" --input "$WORK/$name.input.rgb" \
      --width "$w" --height "$h" --ratio "$ratio" --backend "$BACKEND" --out "$ref"
    # 4. outputs as 16-bit PNGs, checked against the raw floats; then meta.json
    python3 "$HERE/golden.py" encode "$odir" "$ref"
    cmd3="node rvm-reference.js --model MODEL_DIR --input input.rgb --width $w --height $h --ratio $ratio --backend $BACKEND --out REF"
    src_json=$(python3 -c 'import json,sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' \
      file "media/$src (project shared folder)" what "$what" filter "${vf:-none}" \
      make_frames "$cmd1" decode_frames "$cmd2" reference "$cmd3" ffmpeg "$ffmpeg_version" node "$node_version")
    python3 "$HERE/golden.py" meta "$odir" "$ref" "$src_json"
  done
done 3<<< "$INPUT_TABLE"

du -ab "$OUT_DIR" | sort -k2
du -sb "$OUT_DIR"
