package repo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"strings"
	"syscall"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"
	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/gitdiary/diary/repo/odb"
	"github.com/gitdiary/diary/repo/transport"
)

func init() {
	// Local paths and file:// URLs are served in-process, so that diary
	// needs no git binary (git-upload-pack) to sync through a USB disk.
	// The server's storage is diary's (safeLoader), so that a push into
	// a path remote writes its pack and its refs as safely as a fetch
	// into the laptop does.
	transport.ServePaths(safeLoader{})
}

// safeLoader opens a path remote's storage as go-git's server does, and
// wraps it as the laptop's own is (newFastStorage): packs written under
// temporary names and flushed, refs under git's lock protocol.
type safeLoader struct{}

func (safeLoader) Load(ep *gittransport.Endpoint) (storer.Storer, error) {
	st, err := server.DefaultLoader.Load(ep)
	if err != nil {
		return nil, err
	}
	if fst, ok := st.(*filesystem.Storage); ok {
		root := fst.Filesystem().Root()
		removeDeadTwins(root) // litter of a diary killed mid-push
		return newFastStorage(fst, root, root), nil
	}
	return st, nil
}

// Sentinel errors of the network steps.
var (
	// ErrUnreachable: the remote could not be reached (offline, DNS,
	// timeout, a disk not mounted). Local work is safe; try later.
	ErrUnreachable = errors.New("remote unreachable")
	// ErrRejected: the remote refused a push that is not a fast-forward;
	// fetch and merge, then push again.
	ErrRejected = errors.New("push rejected")
	// ErrNoRemote: no remote of that name is configured.
	ErrNoRemote = errors.New("no such remote")
	// ErrDiskFull: a write failed for want of space, on this laptop or on
	// a path remote. Nothing is lost; free space and run diary again.
	ErrDiskFull = errors.New("the disk is full")
	// ErrDetached: HEAD is on no branch.
	ErrDetached = errors.New("HEAD is detached")
)

// HeadState is where HEAD is.
type HeadState struct {
	Branch string // short name, "" when detached
	Hash   Hash   // ZeroHash on an unborn branch
}

// Head returns the current branch and commit.
func (r *Repo) Head() (HeadState, error) {
	// The commit is not read: a sync with nothing to do reads no object.
	name, h, err := r.headRef()
	if err != nil {
		return HeadState{}, err
	}
	var st HeadState
	if name != plumbing.HEAD {
		st.Branch = name.Short()
	}
	st.Hash = h
	return st, nil
}

// SetBranch points refs/heads/branch at to if it still points at from
// (ZeroHash: if it does not exist yet), so that a commit made meanwhile
// by another program is never lost.
func (r *Repo) SetBranch(branch string, from, to Hash) error {
	name := plumbing.NewBranchReferenceName(branch)
	var old *plumbing.Reference
	if !from.IsZero() {
		old = plumbing.NewHashReference(name, plumbing.Hash(from))
	}
	if err := r.git.Storer.CheckAndSetReference(plumbing.NewHashReference(name, plumbing.Hash(to)), old); err != nil {
		if errors.Is(err, ErrRefLocked) {
			return fmt.Errorf("update %s: %w", name, err)
		}
		return fmt.Errorf("update %s: %w (%v): run diary again", name, ErrMoved, err)
	}
	return nil
}

// backupKeep is how many backups of HEAD diary keeps.
const backupKeep = 20

// Backup records h under refs/diary/backup/ before a step that moves
// HEAD or rewrites work-tree files, keeping the newest backupKeep, so
// that diary undo can go back.
func (r *Repo) Backup(h Hash, now time.Time) error {
	if h.IsZero() {
		return nil
	}
	name := plumbing.ReferenceName(fmt.Sprintf("refs/diary/backup/%s-%s", now.UTC().Format("20060102T150405.000000000"), short(h)))
	if err := r.git.Storer.SetReference(plumbing.NewHashReference(name, plumbing.Hash(h))); err != nil {
		return fmt.Errorf("record backup %s: %w", name, err)
	}
	refs, err := r.Backups()
	if err != nil {
		return err
	}
	for i := 0; i+backupKeep < len(refs); i++ {
		r.git.Storer.RemoveReference(plumbing.ReferenceName(refs[i].Name))
	}
	return nil
}

// BackupRef is one recorded HEAD.
type BackupRef struct {
	Name string
	Hash Hash
}

// Backups lists the backup refs, oldest first.
func (r *Repo) Backups() ([]BackupRef, error) {
	iter, err := r.git.Storer.IterReferences()
	if err != nil {
		return nil, err
	}
	var out []BackupRef
	iter.ForEach(func(ref *plumbing.Reference) error {
		if strings.HasPrefix(ref.Name().String(), "refs/diary/backup/") && ref.Type() == plumbing.HashReference {
			out = append(out, BackupRef{ref.Name().String(), Hash(ref.Hash())})
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RemoteURL returns the URL of a remote, "" and ErrNoRemote when there
// is no such remote.
func (r *Repo) RemoteURL(name string) (string, error) {
	rem, err := r.git.Remote(name)
	if errors.Is(err, git.ErrRemoteNotFound) {
		return "", ErrNoRemote
	}
	if err != nil {
		return "", err
	}
	if urls := rem.Config().URLs; len(urls) > 0 {
		return urls[0], nil
	}
	return "", ErrNoRemote
}

// RemoteBranch returns what refs/remotes/REMOTE/BRANCH points at, as of
// the last fetch; ok is false when there is no such ref.
func (r *Repo) RemoteBranch(remote, branch string) (Hash, bool, error) {
	return r.Ref(RemoteRef(remote, branch))
}

// RemoveRef deletes a ref; a missing one is not an error.
func (r *Repo) RemoveRef(name string) error {
	return r.git.Storer.RemoveReference(plumbing.ReferenceName(name))
}

// Ref returns what a ref points at; ok is false when there is no such ref.
func (r *Repo) Ref(name string) (Hash, bool, error) {
	ref, err := r.git.Storer.Reference(plumbing.ReferenceName(name))
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return ZeroHash, false, nil
	}
	if err != nil {
		return ZeroHash, false, err
	}
	return Hash(ref.Hash()), true, nil
}

// NetOptions are what every network step takes.
type NetOptions struct {
	Auth *Credentials // nil: none (local paths, anonymous)
	// Progress, when set, is called every few hundred milliseconds while
	// a step runs, and once more when it ends (Done), from one goroutine.
	Progress func(Progress)
	// Stall is how long a step may go without a byte sent or received
	// (the connect included) before it gives up with ErrUnreachable; a
	// slow transfer that moves never does. 0: no limit.
	Stall time.Duration
}

// Fetch brings the remote's branch into refs/remotes/REMOTE/BRANCH. It
// reports found=false, with no error, when the remote is empty or has
// no such branch yet (a first push will create it).
func (r *Repo) Fetch(ctx context.Context, remote, branch string, o NetOptions) (found bool, err error) {
	return r.FetchTo(ctx, remote, branch, RemoteRef(remote, branch), o)
}

// RemoteRef is the remote-tracking ref of a remote's branch.
func RemoteRef(remote, branch string) string {
	return plumbing.NewRemoteReferenceName(remote, branch).String()
}

// FetchTo is Fetch into another ref than the remote-tracking one, for a
// look that must leave the remote-tracking refs alone (a dry run).
//
// The ref takes the remote's commit only once every object it needs is
// on disk (Connected): go-git sets the ref when the pack went wrong in
// ways it does not report (a full disk while it writes the pack index),
// and a ref at missing objects fails every later sync. On any failure the
// ref is put back as it was. A ref that an older diary left at a commit
// that is not here (or the remote-tracking one) is dropped first, so that
// the fetch asks for all of it again rather than fail for good.
//
// A pack index that cannot be read (cut short by an older diary) hides
// objects that are all there, and go-git never writes it again: such
// indexes are rebuilt from their packs and the fetch tried once more.
func (r *Repo) FetchTo(ctx context.Context, remote, branch, ref string, o NetOptions) (found bool, err error) {
	s := startStep(ctx, "fetch", "fetch from "+remote, o)
	defer func() { err = s.end(err) }()
	ctx = s.ctx
	found, err = r.fetchTo(ctx, remote, branch, ref, o, s.progress())
	if err != nil && !errors.Is(err, ErrUnreachable) && !errors.Is(err, ErrAuth) && !IsDiskFull(err) {
		if n, derr := r.mendPackIndexes(); derr == nil && n > 0 {
			if derr := r.reopen(); derr != nil {
				return false, fmt.Errorf("%v; and reopening the repository failed: %w", err, derr)
			}
			return r.fetchTo(ctx, remote, branch, ref, o, s.progress())
		}
	}
	return found, err
}

func (r *Repo) fetchTo(ctx context.Context, remote, branch, ref string, o NetOptions, progress io.Writer) (found bool, err error) {
	tracking := RemoteRef(remote, branch)
	for _, n := range []string{ref, tracking} {
		if h, ok, err := r.Ref(n); err == nil && ok && !r.looksWhole(h) {
			if err := r.RemoveRef(n); err != nil {
				return false, fmt.Errorf("fetch from %s: drop %s, which points at %s that is not here: %w", remote, n, short(h), err)
			}
		}
	}
	old, hadOld, err := r.Ref(ref)
	if err != nil {
		return false, fmt.Errorf("fetch from %s: %w", remote, err)
	}
	// The commits trusted to be whole, where the check of the new one
	// stops: the checked-out branch's, and the remote's as last fetched.
	// The quarantine ref outlives a sync only once the remote-tracking ref
	// took its commit (sync keeps it so that an unmoved remote costs no ref
	// write); a value the tracking ref does not share was left by a run that
	// was killed before its check, so it is no stop for the check below.
	var haves []Hash
	checked := false
	if h, ok, err := r.Ref(tracking); err == nil && ok {
		haves = append(haves, h)
		checked = hadOld && h == old
	}
	if _, h, err := r.headRef(); err == nil && !h.IsZero() {
		haves = append(haves, h)
	}

	spec := config.RefSpec(fmt.Sprintf("+refs/heads/%s:%s", branch, ref))
	err = r.git.FetchContext(ctx, &git.FetchOptions{
		RemoteName: remote,
		RefSpecs:   []config.RefSpec{spec},
		Auth:       o.Auth.method(),
		Progress:   progress,
		Tags:       git.NoTags,
	})
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		if now, ok, rerr := r.Ref(ref); rerr != nil {
			err = rerr
		} else if ok && (!checked || now != old) {
			if cerr := r.Connected(now, haves); cerr != nil {
				err = fmt.Errorf("fetch from %s: %w; nothing of it was taken: run diary sync again", remote, cerr)
			}
		}
	}
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		if rerr := r.restoreRef(ref, old, hadOld); rerr != nil {
			return false, fmt.Errorf("fetch from %s: %v; and putting %s back failed: %w", remote, err, ref, rerr)
		}
		if errors.Is(err, ErrIncomplete) {
			return false, err
		}
	}
	var noMatch git.NoMatchingRefSpecError
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return true, nil
	case errors.Is(err, gittransport.ErrEmptyRemoteRepository), errors.As(err, &noMatch):
		return false, nil
	}
	return false, r.netError("fetch from "+remote, remote, err)
}

// restoreRef points ref back at old, or removes it when it had no value.
func (r *Repo) restoreRef(ref string, old Hash, had bool) error {
	now, ok, err := r.Ref(ref)
	switch {
	case err == nil && ok == had && now == old:
		return nil
	case had:
		return r.SetRef(ref, old)
	}
	return r.RemoveRef(ref)
}

// Push sends refs/heads/BRANCH to the remote's branch of the same name.
// It never forces: a remote that moved on is ErrRejected.
//
// It speaks the push protocol itself rather than through go-git's
// Remote.Push, which lists every object of the remote's whole history to
// decide what to send (seconds and hundreds of megabytes for a lifetime
// diary): odb.ObjectsToSend walks only the new commits.
func (r *Repo) Push(ctx context.Context, remote, branch string, o NetOptions) (err error) {
	s := startStep(ctx, "push", "push to "+remote, o)
	defer func() { err = s.end(err) }()
	err = r.push(s, remote, branch)
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	if errors.Is(err, ErrRejected) || errors.Is(err, ErrNoRemote) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrUnsafePath) {
		return err
	}
	// A rejection the server reports comes back as a plain string.
	if msg := err.Error(); strings.Contains(msg, "non-fast-forward") || strings.Contains(msg, "fetch first") || strings.Contains(msg, "rejected") {
		return fmt.Errorf("push to %s: %w: the remote has commits this laptop has not merged yet", remote, ErrRejected)
	}
	return r.netError("push to "+remote, remote, err)
}

func (r *Repo) push(s *netStep, remote, branch string) (err error) {
	ctx, o := s.ctx, s.o
	url, err := r.RemoteURL(remote)
	if err != nil {
		return err
	}
	ep, err := gittransport.NewEndpoint(url)
	if err != nil {
		return err
	}
	cl, err := client.NewClient(ep)
	if err != nil {
		return err
	}
	sess, err := cl.NewReceivePackSession(ep, o.Auth.method())
	if err != nil {
		return err
	}
	defer func() {
		if cerr := sess.Close(); err == nil {
			err = cerr
		}
	}()
	ar, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil && !errors.Is(err, gittransport.ErrEmptyRemoteRepository) {
		return err
	}
	// What to send is worked out here: the remote owes nothing meanwhile.
	release := s.meter.Hold()
	defer release()
	name := plumbing.NewBranchReferenceName(branch)
	local, err := r.git.Storer.Reference(name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	var old plumbing.Hash
	var haves []plumbing.Hash
	if ar != nil {
		refs, err := ar.AllReferences()
		if err != nil {
			return err
		}
		for n, ref := range refs {
			if ref.Type() != plumbing.HashReference {
				continue
			}
			if n == name {
				old = ref.Hash()
			}
			haves = append(haves, ref.Hash())
		}
	}
	if old == local.Hash() {
		return git.NoErrAlreadyUpToDate
	}
	if !old.IsZero() {
		// Never a forced update: the remote's commit must be in ours.
		if r.git.Storer.HasEncodedObject(old) != nil {
			return fmt.Errorf("push to %s: %w: the remote has commits this laptop has not fetched yet", remote, ErrRejected)
		}
		if ok, err := r.IsAncestor(Hash(old), Hash(local.Hash())); err != nil || !ok {
			return fmt.Errorf("push to %s: %w: the remote has commits this laptop has not merged yet", remote, ErrRejected)
		}
	}
	hashes, err := odb.ObjectsToSend(r.git.Storer, []plumbing.Hash{local.Hash()}, haves)
	if err != nil {
		return err
	}
	if err := r.checkSizes(ownHashes(hashes), remote, branch); err != nil {
		return err
	}
	if err := r.checkPushShape(Hash(local.Hash()), Hash(old), remote, branch); err != nil {
		return err
	}
	s.objects.Store(int64(len(hashes)))
	release()
	caps := capability.NewList()
	if ar != nil {
		caps = ar.Capabilities
	}
	req := packp.NewReferenceUpdateRequestFromCapabilities(caps)
	// The side band always: on it, git's receive-pack keeps the
	// connection moving while it checks a large pack, which a stall
	// would otherwise end.
	req.Progress = s
	if caps.Supports(capability.Sideband64k) {
		_ = req.Capabilities.Set(capability.Sideband64k)
	} else if caps.Supports(capability.Sideband) {
		_ = req.Capabilities.Set(capability.Sideband)
	}
	req.Commands = []*packp.Command{{Name: name, Old: old, New: local.Hash()}}
	rd, wr := io.Pipe()
	req.Packfile = rd
	done := make(chan error, 1)
	r.hook("push:sending")
	go func() {
		err := odb.WritePack(wr, r.git.Storer, hashes, !caps.Supports(capability.OFSDelta))
		done <- wr.CloseWithError(err)
	}()
	rs, err := sess.ReceivePack(ctx, req)
	if err != nil {
		rd.Close()
		<-done
		return err
	}
	if err := <-done; err != nil {
		return err
	}
	if rs != nil {
		if err := rs.Error(); err != nil {
			return err
		}
	}
	// The remote-tracking ref follows, as after git push.
	return r.git.Storer.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(RemoteRef(remote, branch)), local.Hash()))
}

// checkSizes refuses a push that would send a file over MaxBlobSize:
// GitHub refuses it, and every other laptop's diary would refuse to
// fetch it (CheckCommit), for good. Only object headers are read.
func (r *Repo) checkSizes(hashes []Hash, remote, branch string) error {
	var commits []Hash
	for _, h := range hashes {
		typ, size, err := r.objectSize(h)
		if err != nil {
			return err
		}
		switch {
		case typ == plumbing.CommitObject:
			commits = append(commits, h)
		case typ == plumbing.BlobObject && size > MaxBlobSize:
			// The first commit (newest first) that holds it names it.
			name := "a file (" + short(h) + ")"
			for _, c := range commits {
				if t, err := r.ReadTree(c); err == nil {
					if p, ok := t.pathOf(h); ok {
						name = p
						break
					}
				}
			}
			return fmt.Errorf("push to %s: %w: %s is %d MB, over GitHub's limit of %d MB, which diary keeps to (no diary takes a larger file from a remote): nothing was pushed, and your commits stay here; take the file out of the commits not pushed yet (git reset --soft %s/%s keeps every change), move it out of the diary, then run diary sync again",
				remote, ErrTooLarge, name, size>>20, MaxBlobSize>>20, remote, branch)
		}
	}
	return nil
}

// checkPushShape refuses a push of a tree that the other laptops' fetch
// would refuse (CheckCommit's shape check, against what the remote has):
// a link out of the work tree, names that collide, names read as .git.
// Pushed, it would stop every other laptop's sync for good.
func (r *Repo) checkPushShape(c, old Hash, remote, branch string) error {
	if _, _, err := r.checkCommitShape(c, old); err != nil {
		return fmt.Errorf("push to %s: %w, and no diary would take it from the remote: nothing was pushed, and your commits stay here; remove it (or make the link point inside the diary), then run diary sync again (git reset --soft %s/%s first keeps every change and drops it from the commits)",
			remote, err, remote, branch)
	}
	return nil
}

// objectSize is an object's type and size, from its header.
func (r *Repo) objectSize(h Hash) (plumbing.ObjectType, int64, error) {
	if fs, ok := r.git.Storer.(*fastStorage); ok {
		typ, n, err := fs.objs.Size(plumbing.Hash(h))
		if !errors.Is(err, odb.ErrNotHere) {
			return typ, n, err
		}
	}
	obj, err := r.git.Storer.EncodedObject(plumbing.AnyObject, plumbing.Hash(h))
	if err != nil {
		return 0, 0, fmt.Errorf("read object %s: %w", short(h), err)
	}
	return obj.Type(), obj.Size(), nil
}

// netError sorts a network failure into unreachable, refused
// credentials, or anything else, naming the step, and never the URL's
// credentials.
func (r *Repo) netError(step, remote string, err error) error {
	var netErr net.Error
	var urlErr *url.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	switch {
	case IsDiskFull(err):
		return fmt.Errorf("%s: %w (%s): free space, then run diary sync again", step, ErrDiskFull, Redact(err.Error()))
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: interrupted", step)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w: it did not answer in time (the timeout setting)", step, ErrUnreachable)
	}
	// Refused keys, tokens and host keys, with what to do about each.
	if e := transport.NetError(step, err); e != nil {
		return e
	}
	switch {
	case errors.Is(err, gittransport.ErrAuthenticationRequired), errors.Is(err, gittransport.ErrAuthorizationFailed):
		return fmt.Errorf("%s: %w: check the token or key (diary doctor tells which)", step, ErrAuth)
	case errors.Is(err, gittransport.ErrRepositoryNotFound):
		return fmt.Errorf("%s: %w: no repository at the remote's URL (a disk not mounted, or a wrong URL: git remote -v shows it)", step, ErrUnreachable)
	case errors.As(err, &opErr), errors.As(err, &dnsErr), errors.As(err, &urlErr), errors.As(err, &netErr):
		return fmt.Errorf("%s: %w: %v", step, ErrUnreachable, Redact(err.Error()))
	case cut(err):
		return fmt.Errorf("%s: %w: the connection was cut (%v)", step, ErrUnreachable, Redact(err.Error()))
	}
	return fmt.Errorf("%s: %s", step, Redact(err.Error()))
}

// cut reports whether err is a connection that ended in the middle of
// a step: the network failed, not the data. The transports pass these on
// as the stream's end (EOF where a pkt-line or the pack went on, an empty
// pack where one was announced), as a reset or broken pipe, or as text
// (go-git's HTTP transport formats the cause into its message). An
// object this laptop cannot read is damage, never a cut.
func cut(err error) bool {
	if errors.Is(err, ErrIncomplete) || strings.Contains(err.Error(), "object files are damaged") {
		return false
	}
	for _, e := range []error{io.EOF, io.ErrUnexpectedEOF, net.ErrClosed, packfile.ErrEmptyPackfile,
		syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE, syscall.ETIMEDOUT} {
		if errors.Is(err, e) {
			return true
		}
	}
	msg := err.Error()
	for _, s := range []string{"unexpected EOF", "connection reset", "broken pipe", "use of closed network connection", "connection aborted", packfile.ErrEmptyPackfile.Error()} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return msg == "EOF" || strings.HasSuffix(msg, ": EOF")
}

// IsDiskFull reports whether err is a write that failed for want of
// space: ENOSPC in its chain, or in the text of an error that go-git or
// a server passed on as a string.
func IsDiskFull(err error) bool {
	return err != nil && (errors.Is(err, ErrDiskFull) || errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), syscall.ENOSPC.Error()))
}

// Probe asks the remote for its branches, as `git ls-remote` does, and
// returns how many it has: a check that it can be reached and that the
// credentials are accepted, without changing anything.
func (r *Repo) Probe(ctx context.Context, remote string, o NetOptions) (int, error) {
	rem, err := r.git.Remote(remote)
	if err != nil {
		return 0, fmt.Errorf("%w: %s", ErrNoRemote, remote)
	}
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: o.Auth.method()})
	if errors.Is(err, gittransport.ErrEmptyRemoteRepository) {
		return 0, nil
	}
	if err != nil {
		return 0, r.netError("reach "+remote, remote, err)
	}
	n := 0
	for _, ref := range refs {
		if ref.Name().IsBranch() {
			n++
		}
	}
	return n, nil
}

// ProbePush opens a push session and reads what the remote advertises,
// sending nothing: hosts that refuse to let these credentials push
// (GitHub with a read-only token) refuse here.
func (r *Repo) ProbePush(ctx context.Context, remote string, o NetOptions) error {
	url, err := r.RemoteURL(remote)
	if err != nil {
		return err
	}
	ep, err := gittransport.NewEndpoint(url)
	if err != nil {
		return fmt.Errorf("remote %s: %s", remote, Redact(err.Error()))
	}
	cl, err := client.NewClient(ep)
	if err != nil {
		return fmt.Errorf("remote %s: %s", remote, Redact(err.Error()))
	}
	sess, err := cl.NewReceivePackSession(ep, o.Auth.method())
	if err != nil {
		return r.netError("open a push to "+remote, remote, err)
	}
	defer sess.Close()
	if _, err := sess.AdvertisedReferencesContext(ctx); err != nil && !errors.Is(err, gittransport.ErrEmptyRemoteRepository) {
		return r.netError("open a push to "+remote, remote, err)
	}
	return nil
}

// pathOf is the first path, in sorted order, whose file is object h.
func (t Tree) pathOf(h Hash) (string, bool) {
	found := ""
	for p, e := range t {
		if e.Hash == h && (found == "" || p < found) {
			found = p
		}
	}
	return found, found != ""
}
