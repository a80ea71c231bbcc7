using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>
/// A cmdlet that takes files: -Path (wildcards; strings from the pipeline) or -LiteralPath (exact; objects from
/// Get-ChildItem through PSPath or FullName), the PowerShell way.
/// </summary>
public abstract class RvmPathCmdlet : RvmCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralSet = "LiteralPath";

    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = LiteralSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>This record's inputs as file-system paths; one that matches nothing is an error, and the rest go on.</summary>
    protected IEnumerable<string> InputPaths() =>
        ResolveInputPaths(ParameterSetName == LiteralSet ? LiteralPath : Path, ParameterSetName == LiteralSet);
}
