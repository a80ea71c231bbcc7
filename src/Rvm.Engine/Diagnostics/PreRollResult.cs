namespace Rvm.Diagnostics;

/// <summary>
/// How far a segmented run's alpha is from the sequential run's, for one pre-roll and one crossfade overlap
/// (<see cref="PreRollStudy"/>). MAE is the mean absolute difference of alpha on the [0, 1] scale.
/// </summary>
public sealed class PreRollResult
{
    /// <summary>Frames each segment after the first ran before its boundary, their outputs discarded.</summary>
    public int PreRoll { get; internal set; }
    /// <summary>Frames over which a segment's alpha was blended linearly from the previous segment's; 0 for none.</summary>
    public int Overlap { get; internal set; }
    public int Frames { get; internal set; }
    /// <summary>Mean over every frame of the video; frames before the first boundary are the sequential run's, error 0.</summary>
    public double MeanMae { get; internal set; }
    /// <summary>The worst frame's MAE, where it is and the boundary before it.</summary>
    public double WorstMae { get; internal set; }
    public int WorstFrame { get; internal set; }
    public int WorstBoundary { get; internal set; }
    public int WorstAfterBoundary => WorstFrame - WorstBoundary;
    /// <summary>The most frames after a boundary before the MAE stays at or below <see cref="PreRollStudy.SettledMae"/> to the segment's end.</summary>
    public int FramesAboveTarget { get; internal set; }
    /// <summary>True when some segment was still above <see cref="PreRollStudy.SettledMae"/> on its last frame.</summary>
    public bool NeverSettled { get; internal set; }
    /// <summary>Every frame's MAE, the whole video.</summary>
    public double[] FrameMae { get; internal set; } = System.Array.Empty<double>();
}
