namespace Rvm.Matting;

/// <summary>What a conversion may do about outputs that exist already, and about inputs that are Rvm's own outputs.</summary>
internal sealed class OutputPolicy
{
    /// <summary>Replace this input's own earlier outputs (and, with <see cref="ExplicitPaths"/>, any output Rvm made).</summary>
    public bool Force { get; set; }
    /// <summary>Skip an input whose outputs, all made from it, exist.</summary>
    public bool SkipExisting { get; set; }
    /// <summary>The user named the output paths; otherwise Rvm derived them from the input's name.</summary>
    public bool ExplicitPaths { get; set; }
    /// <summary>Convert inputs that are themselves Rvm's outputs instead of skipping them.</summary>
    public bool IncludeRvmOutputs { get; set; }
    /// <summary>Discard what a stopped conversion of this input saved (its work folder) and start over; otherwise it resumes.</summary>
    public bool StartOver { get; set; }
}
