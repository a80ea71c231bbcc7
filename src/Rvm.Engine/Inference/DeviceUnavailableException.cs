using System;

namespace Rvm.Inference;

/// <summary>The execution provider asked for explicitly could not be loaded.</summary>
public sealed class DeviceUnavailableException : Exception
{
    public DeviceUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
