#!/usr/bin/env python3
"""Helper for make-golden.sh (Python 3 standard library + the ffmpeg/ffprobe executables only).

  golden.py check-input INPUT_DIR SOURCE_RGB FRAMES
      Checks that INPUT_DIR holds exactly FRAMES files frame_NNNN.png (from 0000), each a plain
      8-bit RGB PNG (colour type 2, not interlaced), decodes them with ffmpeg and with this
      file's own PNG decoder, and checks that both give exactly the bytes of SOURCE_RGB (the rgb24
      frames ffmpeg produced straight from the source), i.e. that the PNG round trip is byte-exact.

  golden.py encode OUT_DIR REF_DIR
      Turns the reference runner's raw outputs (REF_DIR/pha_NNNN.f32, fgr_NNNN.f32, meta.json)
      into OUT_DIR/pha_NNNN.png (16-bit grey, value = round(clamp(pha)*65535)) and
      OUT_DIR/fgr_NNNN.png (16-bit RGB, value = round(round(clamp(fgr)*1023)*65535/1023) where
      the stored alpha value is > 0, and 0 for all three channels where it is 0), decodes every
      PNG back (ffmpeg gray16le/rgb48le and this file's own decoder), checks both decoders agree,
      that masked samples are 0 and that every stored fgr value is an exact 10-bit level, prints
      the max error per file against the raw float outputs, and prints per-frame alpha statistics.

  golden.py meta OUT_DIR REF_DIR SOURCE_JSON
      Writes OUT_DIR/meta.json: sizes, ratio, input frames (relative to OUT_DIR), commands,
      encodings, statistics, and the reference runner's own meta.json.
"""
import array
import json
import math
import os
import struct
import subprocess
import sys
import zlib

FGR_BITS = 10
FGR_QMAX = (1 << FGR_BITS) - 1  # 1023
PHA_BOUND = 0.5 / 65535                      # 7.63e-6
FGR_BOUND = 0.5 / FGR_QMAX + 0.5 / 65535     # 4.96e-4 (value/65535 against clamp(raw))


# ----------------------------------------------------------------------------- PNG decoding
def png_decode(path):
    """Minimal independent PNG decoder: returns (width, height, colour_type, bit_depth, samples)
    with samples a flat list of ints (bit depth 8 or 16, colour types 0 and 2, no interlace)."""
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError(f'{path}: not a PNG')
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, = struct.unpack('>I', data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0]:
            raise ValueError(f'{path}: bad CRC in {kind}')
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if interlace != 0 or ctype not in (0, 2) or depth not in (8, 16):
        raise ValueError(f'{path}: unsupported PNG (colour type {ctype}, depth {depth}, interlace {interlace})')
    ch = 3 if ctype == 2 else 1
    bpp = ch * depth // 8
    stride = w * bpp
    raw = zlib.decompress(b''.join(idat))
    if len(raw) != h * (stride + 1):
        raise ValueError(f'{path}: wrong image data length')
    out = bytearray(h * stride)
    prev = bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        elif f != 0:
            raise ValueError(f'{path}: bad filter {f}')
        out[y * stride:(y + 1) * stride] = line
        prev = line
    if depth == 8:
        return w, h, ctype, depth, bytes(out)
    s = array.array('H')
    s.frombytes(bytes(out))
    if sys.byteorder == 'little':
        s.byteswap()
    return w, h, ctype, depth, s


def png_header(path):
    data = open(path, 'rb').read(33)
    w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', data[16:29])
    return w, h, depth, ctype, interlace


def ffmpeg_decode(path, pix_fmt):
    return subprocess.run(['ffmpeg', '-nostdin', '-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', pix_fmt, '-'],
                          check=True, stdout=subprocess.PIPE).stdout


def frames(case_dir, prefix):
    return sorted(f for f in os.listdir(case_dir) if f.startswith(prefix) and f.endswith('.png'))


# ----------------------------------------------------------------------------- commands
def check_input(input_dir, source_rgb, nframes):
    src = open(source_rgb, 'rb').read()
    names = frames(input_dir, 'frame_')
    if names != [f'frame_{i:04d}.png' for i in range(nframes)]:
        sys.exit(f'{input_dir}: expected frame_0000..frame_{nframes - 1:04d}.png, found {names}')
    off = 0
    for name in names:
        p = os.path.join(input_dir, name)
        w, h, depth, ctype, interlace = png_header(p)
        if (depth, ctype, interlace) != (8, 2, 0):
            sys.exit(f'{p}: not a plain 8-bit RGB PNG (depth {depth}, colour type {ctype}, interlace {interlace})')
        n = w * h * 3
        want = src[off:off + n]
        off += n
        via_ffmpeg = ffmpeg_decode(p, 'rgb24')
        _, _, _, _, via_py = png_decode(p)
        if via_ffmpeg != want or via_py != want:
            sys.exit(f'{p}: PNG round trip is not byte-exact')
        print(f'  {name}: {w}x{h} 8-bit RGB, {os.path.getsize(p)} bytes, round trip byte-exact (ffmpeg and python decoders)')
    if off != len(src):
        sys.exit(f'{source_rgb}: {len(src)} bytes, frames cover {off}')


def read_f32(path):
    a = array.array('f')
    a.frombytes(open(path, 'rb').read())
    if sys.byteorder != 'little':
        a.byteswap()
    return a


def clamp(x):
    return 0.0 if x < 0.0 else (1.0 if x > 1.0 else x)


def encode_png(path, pix_fmt, w, h, values16):
    a = array.array('H', values16)
    if sys.byteorder == 'little':
        a.byteswap()  # to big endian
    subprocess.run(['ffmpeg', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', pix_fmt, '-s', f'{w}x{h}',
                    '-i', '-', '-pred', 'mixed', '-compression_level', '9', '-frames:v', '1', path],
                   check=True, input=a.tobytes())


def decoded16(path, pix_fmt_le):
    raw = ffmpeg_decode(path, pix_fmt_le)
    a = array.array('H')
    a.frombytes(raw)
    if sys.byteorder != 'little':
        a.byteswap()
    return a


def encode(out_dir, ref_dir):
    meta = json.load(open(os.path.join(ref_dir, 'meta.json')))
    w, h, n = meta['width'], meta['height'], meta['frames']
    q = FGR_QMAX
    stats, errs = [], {'pha': 0.0, 'fgr': 0.0}
    for i in range(n):
        pha = read_f32(os.path.join(ref_dir, f'pha_{i:04d}.f32'))
        fgr = read_f32(os.path.join(ref_dir, f'fgr_{i:04d}.f32'))
        assert len(pha) == w * h and len(fgr) == w * h * 3
        pha_q = [round(clamp(x) * 65535) for x in pha]
        keep = [pha_q[j // 3] > 0 for j in range(len(fgr))]
        fgr_q = [round(round(clamp(x) * q) * 65535 / q) if k else 0 for x, k in zip(fgr, keep)]
        pp = os.path.join(out_dir, f'pha_{i:04d}.png')
        fp = os.path.join(out_dir, f'fgr_{i:04d}.png')
        encode_png(pp, 'gray16be', w, h, pha_q)
        encode_png(fp, 'rgb48be', w, h, fgr_q)
        for kind, path, raw, pix, depth_ctype, bound, kp in (
                ('pha', pp, pha, 'gray16le', (16, 0), PHA_BOUND, None),
                ('fgr', fp, fgr, 'rgb48le', (16, 2), FGR_BOUND, keep)):
            hw, hh, depth, ctype, interlace = png_header(path)
            assert (hw, hh, depth, ctype, interlace) == (w, h) + depth_ctype + (0,), path
            dec = decoded16(path, pix)
            _, _, _, _, dec_py = png_decode(path)
            if dec != dec_py:
                sys.exit(f'{path}: ffmpeg and python decoders disagree')
            if kp is None:
                kp = [True] * len(raw)
            else:
                if any(v != 0 for v, k in zip(dec, kp) if not k):
                    sys.exit(f'{path}: samples where alpha == 0 are not 0')
                if any(round(round(v * q / 65535) * 65535 / q) != v for v in dec):
                    sys.exit(f'{path}: a stored value is not an exact {FGR_BITS}-bit level')
            pairs = [(v, x) for v, x, k in zip(dec, raw, kp) if k]
            err_clamped = max((abs(v / 65535 - clamp(x)) for v, x in pairs), default=0.0)
            err_raw = max((abs(v / 65535 - x) for v, x in pairs), default=0.0)
            out_of_range = sum(1 for x in raw if x < 0.0 or x > 1.0)
            where = ' where alpha>0' if kind == 'fgr' else ''
            extra = ''
            if kind == 'fgr':
                err_q = max((abs(round(v * q / 65535) / q - clamp(x)) for v, x in pairs), default=0.0)
                extra = (f', max |q/{q} - clamp(raw)| = {err_q:.3e} (q = round(value*{q}/65535)), '
                         f'{sum(kp) // 3} of {w * h} pixels stored')
            print(f'  {os.path.basename(path)}: {os.path.getsize(path):8d} bytes, max |value/65535 - clamp(raw)|{where} = '
                  f'{err_clamped:.3e} (bound {bound:.3e}), max |value/65535 - raw|{where} = {err_raw:.3e}{extra}, '
                  f'raw range [{min(raw):.6g}, {max(raw):.6g}], {out_of_range} values outside [0,1]')
            if err_clamped > bound + 1e-9:
                sys.exit(f'{path}: error {err_clamped} exceeds bound {bound}')
            errs[kind] = max(errs[kind], err_clamped)
        mean = sum(pha) / len(pha)
        frac = sum(1 for x in pha if x > 0.5) / len(pha)
        nz = sum(1 for v in pha_q if v > 0) / len(pha_q)
        stats.append({'frame': i, 'alpha_mean': round(mean, 6), 'alpha_gt_0.5': round(frac, 6),
                      'stored_alpha_gt_0': round(nz, 6)})
        print(f'  frame {i:04d}: alpha mean {mean:.4f}, fraction alpha>0.5 {frac:.4f}, fraction stored alpha>0 {nz:.4f}')
    json.dump({'stats': stats, 'max_error': errs}, open(os.path.join(ref_dir, 'stats.json'), 'w'))


def write_meta(out_dir, ref_dir, source_json):
    ref = json.load(open(os.path.join(ref_dir, 'meta.json')))
    st = json.load(open(os.path.join(ref_dir, 'stats.json')))
    n, w, h = ref['frames'], ref['width'], ref['height']
    q = FGR_QMAX
    source = json.loads(source_json)
    cmds = {k: source.pop(k) for k in ('make_frames', 'decode_frames', 'reference')}
    enc = 'ffmpeg -f rawvideo -pix_fmt {fmt} -s %dx%d -i - -pred mixed -compression_level 9 -frames:v 1 {name}' % (w, h)
    meta = {
        'input_frames': '../frame_%04d.png',
        'input_files': [f'../frame_{i:04d}.png' for i in range(n)],
        'width': w, 'height': h, 'frames': n,
        'downsample_ratio': ref['downsample_ratio'],
        'backend': ref['backend'], 'tfjs': ref['tfjs'],
        'model_sha256': ref['model_sha256'],
        'source': source,
        'commands': {
            'note': 'make_frames and decode_frames run in the input folder (the parent of this one); '
                    'MODEL_DIR holds rvm.json + rvm.bin; REF is the reference\'s output folder; the encode '
                    'commands read big-endian 16-bit samples on stdin. Whole pipeline: '
                    'tests/golden/make-golden.sh MODEL_DIR SHARED_DIR',
            'make_frames': cmds['make_frames'],
            'decode_frames': cmds['decode_frames'],
            'reference': cmds['reference'],
            'encode_pha': enc.format(fmt='gray16be', name='pha_NNNN.png'),
            'encode_fgr': enc.format(fmt='rgb48be', name='fgr_NNNN.png'),
        },
        'input_encoding': '8-bit RGB PNG (colour type 2), ../frame_NNNN.png from 0000; the reference was run on '
                          'exactly the rgb24 bytes these decode to, value/255 as model input, NHWC',
        'pha_encoding': '16-bit grey PNG (colour type 0), alpha = value/65535; value = round(clamp(pha,0,1)*65535) '
                        f'(max error {PHA_BOUND:.2g} against the clamped raw output)',
        'fgr_encoding': (f'16-bit RGB PNG (colour type 2), fgr = value/65535, quantised to {FGR_BITS} bits: '
                         f'value = round(round(clamp(fgr,0,1)*{q})*65535/{q}) where the stored alpha value > 0; '
                         'value = 0 for all three channels where the stored alpha value == 0 (not stored: the '
                         'foreground is undefined where there is no subject; compare fgr only where alpha > 0). '
                         f'fgr max quantisation error 4.9e-4 where alpha>0 (exactly: q = round(value*{q}/65535) is '
                         f'the {FGR_BITS}-bit level, |q/{q} - fgr| <= 0.5/{q} = {0.5 / q:.3g}; '
                         f'|value/65535 - fgr| <= 0.5/{q} + 0.5/65535 = {FGR_BOUND:.3g}); '
                         '0 where alpha==0 means not stored'),
        'max_error_measured': {
            'pha': st['max_error']['pha'],
            'fgr_where_alpha_gt_0': st['max_error']['fgr'],
            'note': 'max |value/65535 - clamp(raw float32 output)| over all frames of this folder',
        },
        'recurrent_state': 'starts at zeros([1,1,1,1]) x4 before frame 0 and is carried from frame to frame',
        'layout': ref.get('layout'),
        'ms_per_frame': ref['ms_per_frame'],
        'stats': st['stats'],
        'reference_meta': ref,
    }
    with open(os.path.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'check-input' and len(sys.argv) == 5:
        check_input(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == 'encode' and len(sys.argv) == 4:
        encode(sys.argv[2], sys.argv[3])
    elif cmd == 'meta' and len(sys.argv) == 5:
        write_meta(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
