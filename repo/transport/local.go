package transport

import (
	"context"
	"errors"
	"io"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"
	gittransport "github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
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
	s, err := t.Transport.NewReceivePackSession(ep, auth)
	if err != nil {
		return nil, err
	}
	return receivePack{s}, nil
}

// receivePack is go-git's in-process receive-pack, with the pack it
// reads counted (stall.go).
type receivePack struct {
	gittransport.ReceivePackSession
}

func (s receivePack) ReceivePack(ctx context.Context, req *packp.ReferenceUpdateRequest) (*packp.ReportStatus, error) {
	req = meterPack(ctx, req, func(rc io.ReadCloser) io.ReadCloser { return gioutil.NewContextReadCloser(ctx, rc) })
	return s.ReceivePackSession.ReceivePack(ctx, req)
}
