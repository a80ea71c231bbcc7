using System;
using System.Management.Automation;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>
/// -DownsampleRatio from 0.01 to 1, compared as the float the parameter holds. ValidateRange(0.01, 1.0) compares
/// in double and refused the documented minimum: 0.01 as a float is 0.0099999998.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateDownsampleRatioAttribute : ValidateArgumentsAttribute
{
    public const float Minimum = 0.01f;

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
        float ratio = value is float f ? f : Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture);
        if (!(ratio >= Minimum && ratio <= 1f))
            throw new ValidationMetadataException($"The downsample ratio must be from {Minimum} to 1, not {ratio}.");
    }
}
