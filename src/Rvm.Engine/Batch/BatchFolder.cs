using System.IO;

namespace Rvm.Batch;

/// <summary>
/// The job folder every worker sees: plan.json (what to do), results/&lt;index&gt;.json (what each task did),
/// engine.json (where it was submitted), slurm/ and kubernetes/ (the engines' files and logs).
/// </summary>
internal sealed class BatchFolder
{
    public BatchFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string PlanPath => System.IO.Path.Combine(Path, "plan.json");
    public string EnginePath => System.IO.Path.Combine(Path, "engine.json");
    public string ResultsFolder => System.IO.Path.Combine(Path, "results");
    public string SlurmFolder => System.IO.Path.Combine(Path, "slurm");
    public string KubernetesFolder => System.IO.Path.Combine(Path, "kubernetes");
    public string ResultPath(int index) => System.IO.Path.Combine(ResultsFolder, $"{index}.json");

}
