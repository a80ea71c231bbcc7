namespace Rvm.IO;

/// <summary>Why an output name cannot be written.</summary>
public enum OutputConflict
{
    /// <summary>This input's own output is there; -Force replaces it, -SkipExisting skips the input.</summary>
    Exists,
    /// <summary>Something Rvm did not make is there; Rvm never replaces it.</summary>
    NotRvmOutput,
    /// <summary>Another input's output is there, or another input of this run writes the same name.</summary>
    OtherInput,
    /// <summary>Another live run is writing the name.</summary>
    Busy,
}
