using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.IO;
using Rvm.Media;
using Rvm.Segments;

namespace Rvm.Matting;

/// <summary>
/// Decides a conversion before any frame is decoded: which outputs, in which formats, whether the names are
/// writable, whether the input is one of Rvm's own outputs, and what to do about outputs that exist. Rules, so
/// that no result is ever lost:
/// <list type="bullet">
/// <item>An output records the input it was made from (<see cref="OutputProvenance"/>).</item>
/// <item>Something Rvm did not make is never replaced, even with -Force.</item>
/// <item>Another input's output is never replaced under a name Rvm derived; with a path the user named, -Force may.</item>
/// <item>-SkipExisting skips an input only when all its outputs exist and were made from it.</item>
/// <item>Two inputs of one run never write one name (<see cref="RunOutputs"/>), nor two live runs (<see cref="OutputClaim"/>).</item>
/// </list>
/// </summary>
internal static class ConversionPlanner
{
    /// <param name="model">What the size guard estimates the network's memory for.</param>
    /// <param name="verbose">Where the memory estimate is said.</param>
    public static ConversionPlan Plan(ConversionRequest request, RvmModel model, OutputPolicy policy, RunOutputs? run = null, Action<string>? verbose = null)
    {
        var input = request.Input;
        request.Matte.Validate();
        BackgroundBlur.Validate(request.BlurRadius, request.Background);
        bool folder = Directory.Exists(input);
        if (!folder && !File.Exists(input)) throw new FileNotFoundException($"The input '{input}' does not exist.", input);
        var outputs = Outputs(request);
        // A rerun's usual case first: every output there and made from this input. Skipping it reads only the
        // outputs' tags, not the input (one ffprobe less for each input done before).
        if (policy.SkipExisting && outputs.All(o => File.Exists(o.Path) || Directory.Exists(o.Path)))
        {
            var done = CheckExisting(input, outputs, policy);
            if (done != null)
            {
                run?.Claim(input, outputs);
                return new ConversionPlan(request, policy, null, outputs, done);
            }
        }

        var info = folder ? null : MediaProbe.Probe(input);
        var madeBy = folder ? OutputProvenance.Read(input) : OutputProvenance.Parse(info!.Comment) ?? OutputProvenance.FromPng(input);
        if (madeBy != null && !policy.IncludeRvmOutputs)
            return new ConversionPlan(request, policy, info, Array.Empty<PlannedOutput>(),
                $"it is an output of Rvm (the {madeBy.Kind} of '{madeBy.Source}'); -IncludeRvmOutput converts it anyway");

        run?.Claim(input, outputs);
        var plan = new ConversionPlan(request, policy, info, outputs, CheckExisting(request.Input, outputs, policy));
        if (plan.Skip) return plan;

        // The frame size and ratio, and whether the conversion fits this machine: decided before any folder is made.
        plan.ImageFiles = folder ? ImageSequenceReader.FilesOf(input) : null;
        if (request.ResizeWidth > 0 && request.ResizeHeight > 0) (plan.Width, plan.Height) = (request.ResizeWidth, request.ResizeHeight);
        else if (info != null) (plan.Width, plan.Height) = (info.Width, info.Height);
        else
        {
            var first = ImageFileReader.Read(plan.ImageFiles![0]);
            (plan.Width, plan.Height) = (first.Width, first.Height);
        }
        plan.Ratio = request.DownsampleRatio ?? DownsampleRatio.Auto(plan.Width, plan.Height);
        DownsampleRatio.Validate(plan.Ratio);
        if (request.Background.Kind == BackgroundKind.Blur) plan.BlurRadius = BackgroundBlur.RadiusFor(request.BlurRadius, plan.Height);
        ConversionLimits.Check(request, model, plan.Width, plan.Height, plan.Ratio, verbose);
        plan.Segmenting = SegmentPlanner.Plan(plan, model);
        return plan;
    }

    /// <summary>
    /// Applies the rules to the outputs that exist now: throws when one may not be replaced, returns a skip reason
    /// when -SkipExisting finds the input done, and null to convert.
    /// </summary>
    public static string? CheckExisting(string input, IReadOnlyList<PlannedOutput> outputs, OutputPolicy policy)
    {
        int own = 0, present = 0;
        foreach (var output in outputs)
        {
            var path = output.Path;
            bool file = File.Exists(path), dir = Directory.Exists(path);
            if (!file && !dir) continue;
            if (dir && output.Format.IsImageSequence && !Directory.EnumerateFileSystemEntries(path).Any()) continue;
            present++;
            OutputProvenance? madeBy = null;
            string? foreign = null;
            if (output.Format.IsImageSequence && file) foreign = "is a file, where a folder of PNGs would go";
            else if (!output.Format.IsImageSequence && dir) foreign = "is a folder";
            else if (dir && !OutputProvenance.IsOwnSequenceFolder(path)) foreign = "is a folder holding other things than Rvm's numbered PNGs";
            else if ((madeBy = OutputProvenance.Read(path)) == null) foreign = "was not made by Rvm (it carries no Rvm tag)";
            if (foreign != null)
                throw new OutputConflictException(OutputConflict.NotRvmOutput,
                    $"'{path}' {foreign}; Rvm never replaces what it did not make, even with -Force. Move it away, or choose another output name.");
            if (madeBy!.IsFrom(input, path))
            {
                own++;
                continue;
            }
            if (!(policy.ExplicitPaths && policy.Force))
                throw new OutputConflictException(OutputConflict.OtherInput,
                    $"'{path}' holds the {madeBy.Kind} of another input ('{madeBy.Source}'), not of '{input}'; it was left alone. " +
                    "Convert inputs with the same name into different -Destination folders, or name the outputs with -CompositionPath, -AlphaPath or -ForegroundPath.");
        }
        if (present == 0) return null;
        if (policy.SkipExisting && own == outputs.Count) return $"its outputs exist ({string.Join(", ", outputs.Select(o => o.Path))})";
        if (!policy.Force && !policy.SkipExisting)
        {
            var first = outputs.First(o => File.Exists(o.Path) || Directory.Exists(o.Path));
            throw new OutputConflictException(OutputConflict.Exists,
                $"'{first.Path}' exists; use -Force to overwrite it or -SkipExisting to skip inputs already converted.");
        }
        return null;
    }

    /// <summary>The outputs a request names, composition first, each checked: format, transparency, name length, and not the input itself.</summary>
    private static IReadOnlyList<PlannedOutput> Outputs(ConversionRequest request)
    {
        var named = new List<(string? Path, OutputKind Kind)>
        {
            (request.CompositionPath, OutputKind.Composition),
            (request.AlphaPath, OutputKind.Alpha),
            (request.ForegroundPath, OutputKind.Foreground),
        };
        var outputs = new List<PlannedOutput>();
        foreach (var (path, kind) in named)
        {
            if (path == null) continue;
            var format = request.PngSequence ? OutputFormat.Png : OutputFormat.FromExtension(path);
            if (kind == OutputKind.Composition && request.Background.IsTransparent && !format.SupportsAlpha)
                throw new ArgumentException(
                    $"'{path}': a transparent composition needs a format with alpha (.mov ProRes 4444, .webm VP9, .mkv FFV1 or a PNG sequence); {format.Name} has none.");
            FileSystemNames.CheckNameLength(path);
            if (FileIdentity.SameFile(path, request.Input)) throw new ArgumentException($"'{path}' is the input itself.");
            if (request.Background.Path != null && FileIdentity.SameFile(path, request.Background.Path))
                throw new ArgumentException($"'{path}' is the background file itself.");
            outputs.Add(new PlannedOutput(path, kind, format, OutputProvenance.TagFor(kind.ToString().ToLowerInvariant(), request.Input, path)));
        }
        if (outputs.Count == 0) throw new ArgumentException("No output was asked for: give a composition, alpha or foreground path.");
        var duplicate = outputs.GroupBy(o => FileSystemNames.Resolve(o.Path), FileSystemNames.Comparer).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null) throw new ArgumentException($"Two outputs would be written to '{duplicate.Key}'.");
        return outputs;
    }
}
