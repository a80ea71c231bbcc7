using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Rvm.Imaging;

/// <summary>
/// The per-pixel work of the video pipeline and of single frames (<see cref="Inference.RvmFrameResult"/>), on planes
/// (one colour channel each), vectorised with System.Numerics.Vector: bytes to network input, network output to
/// bytes, and compositing: the one compositing path. Planes keep every
/// loop a straight run over memory; ffmpeg delivers and takes planar GBR, so nothing is interleaved here.
/// </summary>
internal static class PlanarPixels
{
    private const float Inverse255 = 1f / 255f;

    /// <summary>round(v * 255), clamped to [0,255]: what the vector paths compute, one value at a time.</summary>
    public static byte ToByte(float v) => v <= 0 ? (byte)0 : v >= 1 ? (byte)255 : (byte)(v * 255f + 0.5f);

    /// <summary>dst = src / 255.</summary>
    public static void ToUnit(ReadOnlySpan<byte> src, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && src.Length >= Vector<byte>.Count)
        {
            var bytes = MemoryMarshal.Cast<byte, Vector<byte>>(src);
            var floats = MemoryMarshal.Cast<float, Vector<float>>(dst);
            var scale = new Vector<float>(Inverse255);
            for (int v = 0; v < bytes.Length; v++)
            {
                Vector.Widen(bytes[v], out Vector<ushort> lo, out Vector<ushort> hi);
                Vector.Widen(lo, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(hi, out Vector<uint> c, out Vector<uint> d);
                int f = v * 4;
                floats[f] = Vector.ConvertToSingle(Vector.AsVectorInt32(a)) * scale;
                floats[f + 1] = Vector.ConvertToSingle(Vector.AsVectorInt32(b)) * scale;
                floats[f + 2] = Vector.ConvertToSingle(Vector.AsVectorInt32(c)) * scale;
                floats[f + 3] = Vector.ConvertToSingle(Vector.AsVectorInt32(d)) * scale;
            }
            i = bytes.Length * Vector<byte>.Count;
        }
        for (; i < src.Length; i++) dst[i] = src[i] * Inverse255;
    }

    /// <summary>dst = round(src * 255), src in [0,1] (the network clamps its outputs).</summary>
    public static void ToBytes(ReadOnlySpan<float> src, Span<byte> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && src.Length >= Vector<byte>.Count)
        {
            var floats = MemoryMarshal.Cast<float, Vector<float>>(src);
            var bytes = MemoryMarshal.Cast<byte, Vector<byte>>(dst);
            int count = Math.Min(bytes.Length, floats.Length / 4);
            for (int v = 0; v < count; v++)
            {
                int f = v * 4;
                bytes[v] = Pack(floats[f], floats[f + 1], floats[f + 2], floats[f + 3]);
            }
            i = count * Vector<byte>.Count;
        }
        for (; i < src.Length; i++) dst[i] = ToByte(src[i]);
    }

    /// <summary>One plane of fgr * a + bg * (1 - a) over a constant, bg in [0,1].</summary>
    public static void OverConstant(ReadOnlySpan<float> fgr, ReadOnlySpan<float> alpha, float bg, Span<byte> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && fgr.Length >= Vector<byte>.Count)
        {
            var f = MemoryMarshal.Cast<float, Vector<float>>(fgr);
            var a = MemoryMarshal.Cast<float, Vector<float>>(alpha);
            var bytes = MemoryMarshal.Cast<byte, Vector<byte>>(dst);
            var b = new Vector<float>(bg);
            int count = Math.Min(bytes.Length, Math.Min(f.Length, a.Length) / 4);
            for (int v = 0; v < count; v++)
            {
                int k = v * 4;
                bytes[v] = Pack(b + (f[k] - b) * a[k], b + (f[k + 1] - b) * a[k + 1], b + (f[k + 2] - b) * a[k + 2], b + (f[k + 3] - b) * a[k + 3]);
            }
            i = count * Vector<byte>.Count;
        }
        for (; i < fgr.Length; i++) dst[i] = ToByte(bg + (fgr[i] - bg) * alpha[i]);
    }

    /// <summary>One plane of fgr * a + bg * (1 - a) over a picture's plane (bytes).</summary>
    public static void OverPlane(ReadOnlySpan<float> fgr, ReadOnlySpan<float> alpha, ReadOnlySpan<byte> background, Span<float> scratch, Span<byte> dst)
    {
        ToUnit(background, scratch);
        OverFloats(fgr, alpha, scratch, dst);
    }

    /// <summary>One plane of fgr * a + bg * (1 - a) over a plane of floats in [0,1] (a blurred background).</summary>
    public static void OverFloats(ReadOnlySpan<float> fgr, ReadOnlySpan<float> alpha, ReadOnlySpan<float> background, Span<byte> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && fgr.Length >= Vector<byte>.Count)
        {
            var f = MemoryMarshal.Cast<float, Vector<float>>(fgr);
            var a = MemoryMarshal.Cast<float, Vector<float>>(alpha);
            var g = MemoryMarshal.Cast<float, Vector<float>>(background);
            var bytes = MemoryMarshal.Cast<byte, Vector<byte>>(dst);
            int count = Math.Min(bytes.Length, Math.Min(f.Length, a.Length) / 4);
            for (int v = 0; v < count; v++)
            {
                int k = v * 4;
                bytes[v] = Pack(g[k] + (f[k] - g[k]) * a[k], g[k + 1] + (f[k + 1] - g[k + 1]) * a[k + 1],
                    g[k + 2] + (f[k + 2] - g[k + 2]) * a[k + 2], g[k + 3] + (f[k + 3] - g[k + 3]) * a[k + 3]);
            }
            i = count * Vector<byte>.Count;
        }
        for (; i < fgr.Length; i++) dst[i] = ToByte(background[i] + (fgr[i] - background[i]) * alpha[i]);
    }

    /// <summary>Interleaved RGB24 to planes G, B, R (ffmpeg's gbrp), the layout the video pipeline works in.</summary>
    public static void RgbToGbrPlanes(byte[] rgb, byte[] gbrp, int pixels)
    {
        for (int p = 0; p < pixels; p++)
        {
            gbrp[p] = rgb[3 * p + 1];
            gbrp[pixels + p] = rgb[3 * p + 2];
            gbrp[2 * pixels + p] = rgb[3 * p];
        }
    }

    /// <summary>Planes G, B, R back to interleaved RGB24.</summary>
    public static void GbrPlanesToRgb(byte[] gbrp, byte[] rgb, int pixels)
    {
        for (int p = 0; p < pixels; p++)
        {
            rgb[3 * p] = gbrp[2 * pixels + p];
            rgb[3 * p + 1] = gbrp[p];
            rgb[3 * p + 2] = gbrp[pixels + p];
        }
    }

    /// <summary>Four float vectors in [0,1] to one byte vector, rounded.</summary>
    private static Vector<byte> Pack(Vector<float> a, Vector<float> b, Vector<float> c, Vector<float> d)
    {
        var scale = new Vector<float>(255f);
        var half = new Vector<float>(0.5f);
        var zero = Vector<float>.Zero;
        var max = new Vector<float>(255.49f);
        Vector<uint> Convert(Vector<float> x) => Vector.AsVectorUInt32(Vector.ConvertToInt32(Vector.Min(Vector.Max(x * scale + half, zero), max)));
        var lo = Vector.Narrow(Convert(a), Convert(b));
        var hi = Vector.Narrow(Convert(c), Convert(d));
        return Vector.Narrow(lo, hi);
    }
}
