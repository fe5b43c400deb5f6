// Process groups of libtorch's c10d (TCPStore rendezvous, Gloo on CPU, NCCL in CUDA builds) behind plain functions;
// cfa_native.cc lists them as rows of its op table. One group per process.
#pragma once
#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace cfa {
namespace dist {

// Joins the group: rank 0 hosts the TCPStore at addr:port, every rank connects, then the backend ('gloo' or 'nccl')
// runs its rendezvous through the store. timeoutSec bounds the rendezvous and every later collective.
void init(const std::string& backend, const std::string& addr, int port, int rank, int worldSize, double timeoutSec);
// Leaves the group (idempotent).
void destroy();
bool active();
int rank();
int worldSize();
// Whether this build has the NCCL backend (a CUDA libtorch at build time).
bool hasNccl();
// In place: every tensor becomes the sum over ranks. Tensors of one dtype and device travel in flat buckets of at
// most bucketBytes.
void allReduceSum(const std::vector<at::Tensor>& tensors, int64_t bucketBytes);
// In place: every tensor becomes root's value (flat buckets as above).
void broadcast(const std::vector<at::Tensor>& tensors, int root, int64_t bucketBytes);
void barrier();
// [worldSize, ...t.shape]: every rank's t (same shape and dtype on every rank).
at::Tensor allGather(const at::Tensor& t);

}  // namespace dist
}  // namespace cfa
