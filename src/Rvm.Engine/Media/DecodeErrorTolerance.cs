namespace Rvm.Media;

/// <summary>What a conversion does when ffmpeg cannot decode part of the input.</summary>
public enum DecodeErrorTolerance
{
    /// <summary>The first decode error fails the input: no output is made.</summary>
    Strict,
    /// <summary>
    /// ffmpeg conceals what it can and leaves out what it cannot decode; the conversion goes on, each damaged
    /// frame is named in a warning and counted, and the frames that remain keep their timestamps.
    /// </summary>
    Conceal,
}
