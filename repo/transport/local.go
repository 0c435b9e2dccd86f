package transport

import (
	"context"
	"errors"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"
	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	"github.com/go-git/go-git/v5/storage"
	gioutil "github.com/go-git/go-git/v5/utils/ioutil"

	"github.com/gitdiary/diary/repo/odb"
)

// ServePaths installs the transport of local paths and file:// URLs:
// go-git's in-process server over the storage loader opens, with its
// upload-pack replaced (localTransport). repo calls it with its own
// storage, so that a push into a path remote writes as safely as a fetch.
func ServePaths(loader server.Loader) {
	client.InstallProtocol("file", localTransport{server.NewServer(loader), loader})
}

// localTransport is go-git's in-process server with its upload-pack
// replaced: go-git's fails with "object not found" when the client says
// it has commits the server does not (a laptop's own new entries, on
// every fetch after it wrote one), where git's upload-pack ignores them,
// and it lists every object of the whole history to decide what to send.
type localTransport struct {
	gittransport.Transport
	loader server.Loader
}

func (t localTransport) NewUploadPackSession(ep *gittransport.Endpoint, auth gittransport.AuthMethod) (gittransport.UploadPackSession, error) {
	s, err := t.Transport.NewUploadPackSession(ep, auth)
	if err != nil {
		return nil, err
	}
	st, err := t.loader.Load(ep)
	if err != nil {
		return nil, err
	}
	return &uploadPack{UploadPackSession: s, objects: st}, nil
}

type uploadPack struct {
	gittransport.UploadPackSession
	objects storer.EncodedObjectStorer
}

func (k *uploadPack) UploadPack(ctx context.Context, req *packp.UploadPackRequest) (*packp.UploadPackResponse, error) {
	if req.IsEmpty() {
		return nil, gittransport.ErrEmptyUploadPackRequest
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if len(req.Shallows) > 0 {
		return nil, errors.New("shallow fetches are not served")
	}
	// What to send is worked out by odb.ObjectsToSend, not by go-git's
	// revlist, which would list every object of the whole history.
	objs, err := odb.ObjectsToSend(k.objects, req.Wants, req.Haves)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(odb.WritePack(pw, k.objects, objs, !req.Capabilities.Supports(capability.OFSDelta)))
	}()
	// Counted as it is read (stall.go): a disk that hangs is a stall.
	return packp.NewUploadPackResponseWithPackfile(req, meterReceived(gioutil.NewContextReadCloser(ctx, pr), meterOf(ctx))), nil
}

func (t localTransport) NewReceivePackSession(ep *gittransport.Endpoint, auth gittransport.AuthMethod) (gittransport.ReceivePackSession, error) {
	st, err := t.loader.Load(ep)
	if err != nil {
		return nil, err
	}
	ps, ok := st.(packStorer)
	if !ok {
		return nil, errors.New("receive a push: the remote's storage cannot take a pack")
	}
	g := &guardedRefs{packStorer: ps}
	s, err := server.NewServer(loaded{g}).NewReceivePackSession(ep, auth)
	if err != nil {
		return nil, err
	}
	return receivePack{s, g}, nil
}

// packStorer is the storage a path remote is opened with: refs,
// objects, and a writer of whole received packs.
type packStorer interface {
	storer.Storer
	storer.PackfileWriter
}

// loaded is a server.Loader that hands out storage already opened.
type loaded struct{ st storer.Storer }

func (l loaded) Load(*gittransport.Endpoint) (storer.Storer, error) { return l.st, nil }

// guardedRefs makes go-git's receive-pack update refs as git's does:
// only from the old value each command names. go-git's server sets the
// ref whatever it holds now, so of two laptops pushing to one USB disk
// at the same moment, the second wrote over the first, and the first
// one's entries were gone from the remote. Now the second is refused as
// not a fast-forward; its sync fetches, merges and pushes again.
type guardedRefs struct {
	packStorer
	old map[plumbing.ReferenceName]plumbing.Hash // from the push's commands
}

// errRefMoved: a ref moved between the remote's advertisement and the
// update a push asked for. Its text says "rejected" and
// "non-fast-forward", as git's refusal does, so that a pusher knows to
// fetch and merge.
var errRefMoved = errors.New("rejected: the branch moved while this push was under way (non-fast-forward); fetch, merge and push again")

func (g *guardedRefs) SetReference(ref *plumbing.Reference) error {
	old, ok := g.old[ref.Name()]
	if !ok {
		return g.packStorer.SetReference(ref)
	}
	// A zero old value is a ref the push creates: it must not exist yet.
	err := g.packStorer.CheckAndSetReference(ref, plumbing.NewHashReference(ref.Name(), old))
	if errors.Is(err, storage.ErrReferenceHasChanged) {
		return errRefMoved
	}
	return err
}

// receivePack is go-git's in-process receive-pack, with the pack it
// reads counted (stall.go) and its ref updates checked against the old
// values its commands name (guardedRefs).
type receivePack struct {
	gittransport.ReceivePackSession
	refs *guardedRefs
}

func (s receivePack) ReceivePack(ctx context.Context, req *packp.ReferenceUpdateRequest) (*packp.ReportStatus, error) {
	s.refs.old = make(map[plumbing.ReferenceName]plumbing.Hash, len(req.Commands))
	for _, c := range req.Commands {
		s.refs.old[c.Name] = c.Old
	}
	req = meterPack(ctx, req, func(rc io.ReadCloser) io.ReadCloser { return gioutil.NewContextReadCloser(ctx, rc) })
	return s.ReceivePackSession.ReceivePack(ctx, req)
}
