using System;

namespace Rvm.Matting;

/// <summary>A conversion refused before it starts: its frame size or its memory is beyond what it may use.</summary>
public sealed class ConversionLimitException : Exception
{
    public ConversionLimitException(string message) : base(message) { }
}
