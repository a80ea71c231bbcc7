using System;

namespace Rvm.Media;

/// <summary>
/// A video that ffmpeg reads but cannot decode all of, under <see cref="DecodeErrorTolerance.Strict"/>: the input
/// is damaged, and <see cref="DecodeErrorTolerance.Conceal"/> would convert what can be decoded. Reported as InvalidData.
/// </summary>
public sealed class DamagedMediaException : SystemException
{
    public DamagedMediaException(string message) : base(message) { }
}
