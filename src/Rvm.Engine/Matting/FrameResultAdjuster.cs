using Rvm.Inference;

namespace Rvm.Matting;

/// <summary>
/// The matte controls for a stream of single frame results (Save-RvmFrame), with the same
/// <see cref="MatteAdjuster"/> as a conversion. Temporal smoothing carries from one result to the next only while
/// they are consecutive frames (index one more, same size); a single picture, or the first of a run, is left as the
/// network made it by smoothing (the other controls still apply).
/// </summary>
internal sealed class FrameResultAdjuster
{
    private readonly MatteControls _controls;
    private MatteAdjuster? _adjuster;
    private long _lastIndex;

    public FrameResultAdjuster(MatteControls controls)
    {
        controls.Validate();
        _controls = controls;
    }

    /// <summary>The result with its alpha adjusted; the same object when no control is given.</summary>
    public RvmFrameResult Apply(RvmFrameResult frame)
    {
        if (_controls.IsDefault) return frame;
        if (_adjuster == null || _adjuster.Width != frame.Width || _adjuster.Height != frame.Height)
            _adjuster = new MatteAdjuster(frame.Width, frame.Height, _controls);
        else if (frame.Index != _lastIndex + 1) _adjuster.Reset();
        _lastIndex = frame.Index;
        frame.Alpha.CopyTo(_adjuster.Alpha, 0);
        _adjuster.Adjust();
        return frame.WithAlpha((float[])_adjuster.Alpha.Clone());
    }
}
