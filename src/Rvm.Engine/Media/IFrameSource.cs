using System;

namespace Rvm.Media;

/// <summary>Frames in presentation order, each read into a caller's buffer with its timestamp.</summary>
internal interface IFrameSource : IDisposable
{
    int Width { get; }
    int Height { get; }
    /// <summary>Time base of the timestamps; known after the first frame.</summary>
    Rational TimeBase { get; }
    bool TryRead(byte[] buffer, out long pts);
}
