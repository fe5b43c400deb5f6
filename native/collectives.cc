// c10d process groups for data-parallel runs: a TCPStore rendezvous hosted by rank 0, then ProcessGroupGloo (CPU) or,
// in CUDA builds, ProcessGroupNCCL. Every collective waits for its Work with the group's timeout. When one fails,
// the surviving rank looks in the store for the peer that stopped (each rank beats a heartbeat counter there from a
// thread of its own) and names it in the error.
#include "collectives.h"

#include <c10/core/GradMode.h>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace cfa {
namespace dist {
namespace {

using Ms = std::chrono::milliseconds;
constexpr Ms kBeat{500};
constexpr Ms kDiagnosis{2000};

std::string hbKey(int r) { return "cfa/heartbeat/" + std::to_string(r); }
std::string faultKey(int r) { return "cfa/fault/" + std::to_string(r); }

struct Group {
  std::string backend, addr;
  int port = 0, rank = 0, world = 1;
  Ms timeout{0};
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroup> pg;
  std::thread beat;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
};

// Not destroyed at exit: a process that ends without destroy() must not wait for (or abort on) the heartbeat thread.
Group* gGroup = nullptr;

Group& group() {
  if (!gGroup) throw std::runtime_error("no process group: call init first");
  return *gGroup;
}

c10::intrusive_ptr<c10d::TCPStore> connect(const Group& g, bool server) {
  c10d::TCPStoreOptions o;
  o.port = static_cast<std::uint16_t>(g.port);
  o.isServer = server;
  o.numWorkers = static_cast<std::size_t>(g.world);
  o.waitWorkers = true;  // every rank counts itself in; the host waits for all of them
  o.timeout = g.timeout;
  return c10::make_intrusive<c10d::TCPStore>(g.addr, o);
}

// Increments this rank's counter every kBeat on a store connection of its own, until destroy() or the store is gone.
void heartbeat(Group* g) {
  try {
    c10d::TCPStoreOptions o;
    o.port = static_cast<std::uint16_t>(g->port);
    o.isServer = false;
    o.waitWorkers = false;
    o.timeout = g->timeout;
    c10d::TCPStore client(g->addr, o);
    std::unique_lock<std::mutex> lock(g->mu);
    while (!g->stopping) {
      lock.unlock();
      client.add(hbKey(g->rank), 1);
      lock.lock();
      g->cv.wait_for(lock, kBeat, [g] { return g->stopping; });
    }
  } catch (...) {
    // The store host left: nothing more to report to.
  }
}

bool isLoopback(const std::string& a) { return a == "localhost" || a.rfind("127.", 0) == 0 || a == "::1"; }

#ifdef USE_C10D_GLOO
c10::intrusive_ptr<c10d::ProcessGroup> glooGroup(const Group& g) {
  auto opts = c10d::ProcessGroupGloo::Options::create(g.timeout);
  const char* iface = std::getenv("GLOO_SOCKET_IFNAME");
  if (iface && *iface) opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
  else if (isLoopback(g.addr)) opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  else opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  return c10::make_intrusive<c10d::ProcessGroupGloo>(g.store, g.rank, g.world, opts);
}
#endif

#ifdef USE_C10D_NCCL
c10::intrusive_ptr<c10d::ProcessGroup> ncclGroup(const Group& g) {
  auto opts = c10d::ProcessGroupNCCL::Options::create();
  opts->timeout = g.timeout;
  return c10::make_intrusive<c10d::ProcessGroupNCCL>(g.store, g.rank, g.world, opts);
}
#endif

// After a failed collective: which peer stopped. Ranks whose heartbeat does not move for kDiagnosis are gone (dead
// or frozen); otherwise ranks that did not report a failure of their own never reached the collective (hung).
std::string diagnose(Group& g) {
  try {
    g.store->set(faultKey(g.rank), std::vector<uint8_t>{1});
    std::vector<int64_t> before(g.world);
    for (int r = 0; r < g.world; r++) before[r] = r == g.rank ? 0 : g.store->add(hbKey(r), 0);
    std::this_thread::sleep_for(kDiagnosis);
    std::string gone, hung;
    for (int r = 0; r < g.world; r++) {
      if (r == g.rank) continue;
      if (g.store->add(hbKey(r), 0) == before[r]) gone += (gone.empty() ? "" : ", ") + std::to_string(r);
      else if (!g.store->check({faultKey(r)})) hung += (hung.empty() ? "" : ", ") + std::to_string(r);
    }
    if (!gone.empty()) return "rank " + gone + " stopped (no heartbeat for " + std::to_string(kDiagnosis.count() / 1000) + " s)";
    if (!hung.empty()) return "rank " + hung + " did not take part (hung?)";
    return "every rank is alive";
  } catch (const std::exception&) {
    return g.rank == 0 ? "the rendezvous store is unreachable" : "rank 0 (host of the rendezvous store at " + g.addr + ":" + std::to_string(g.port) + ") is gone";
  }
}

// Runs a collective and waits for it; a failure becomes an error naming the operation and the peer at fault.
void run(const char* op, const std::function<c10::intrusive_ptr<c10d::Work>(Group&)>& start) {
  Group& g = group();
  try {
    auto work = start(g);
    work->wait(g.timeout);
  } catch (const std::exception& e) {
    std::string detail = e.what();
    if (const auto* ce = dynamic_cast<const c10::Error*>(&e)) detail = ce->what_without_backtrace();
    const auto nl = detail.find('\n');
    if (nl != std::string::npos) detail = detail.substr(0, nl);
    throw std::runtime_error(std::string(op) + " failed on rank " + std::to_string(g.rank) + ": " + diagnose(g) + " [" + detail + "]");
  }
}

int64_t nbytes(const at::Tensor& t) { return t.numel() * static_cast<int64_t>(t.element_size()); }

// Consecutive tensors of one dtype and device, packed into flat buffers of at most bucketBytes (one tensor may exceed
// it alone); fn works on each buffer, whose values are then copied back.
void inBuckets(const std::vector<at::Tensor>& ts, int64_t bucketBytes, const std::function<void(at::Tensor&)>& fn) {
  c10::AutoGradMode noGrad(false);
  size_t i = 0;
  while (i < ts.size()) {
    size_t j = i + 1;
    int64_t bytes = nbytes(ts[i]);
    while (j < ts.size() && ts[j].scalar_type() == ts[i].scalar_type() && ts[j].device() == ts[i].device() && bytes + nbytes(ts[j]) <= bucketBytes) bytes += nbytes(ts[j++]);
    std::vector<at::Tensor> flat;
    for (size_t k = i; k < j; k++) flat.push_back(ts[k].reshape({-1}));
    at::Tensor buf = at::cat(flat);
    fn(buf);
    int64_t off = 0;
    for (size_t k = i; k < j; k++) {
      const int64_t n = ts[k].numel();
      ts[k].copy_(buf.narrow(0, off, n).view(ts[k].sizes()));
      off += n;
    }
    i = j;
  }
}

}  // namespace

void init(const std::string& backend, const std::string& addr, int port, int rank, int worldSize, double timeoutSec) {
  if (gGroup) throw std::runtime_error("a process group is already initialised in this process");
  if (worldSize < 1 || rank < 0 || rank >= worldSize) throw std::invalid_argument("rank " + std::to_string(rank) + " is outside 0.." + std::to_string(worldSize - 1));
  if (port < 1 || port > 65535) throw std::invalid_argument("port " + std::to_string(port) + " is outside 1..65535");
  auto g = std::make_unique<Group>();
  g->backend = backend;
  g->addr = addr;
  g->port = port;
  g->rank = rank;
  g->world = worldSize;
  g->timeout = Ms(static_cast<int64_t>(timeoutSec * 1000));
  if (backend == "gloo") {
#ifndef USE_C10D_GLOO
    throw std::runtime_error("this build has no Gloo backend (the Gloo headers, libgloo-dev, were missing at build time)");
#endif
  } else if (backend == "nccl") {
#ifndef USE_C10D_NCCL
    throw std::runtime_error("this build has no NCCL backend: rebuild with LIBTORCH set to a CUDA libtorch (with nccl.h and the CUDA headers found), or use the gloo backend");
#endif
  } else {
    throw std::invalid_argument("unknown backend '" + backend + "' (expected gloo or nccl)");
  }
  try {
    g->store = connect(*g, rank == 0);
#ifdef USE_C10D_GLOO
    if (backend == "gloo") g->pg = glooGroup(*g);
#endif
#ifdef USE_C10D_NCCL
    if (backend == "nccl") g->pg = ncclGroup(*g);
#endif
  } catch (const std::exception& e) {
    std::string detail = e.what();
    if (const auto* ce = dynamic_cast<const c10::Error*>(&e)) detail = ce->what_without_backtrace();
    const auto nl = detail.find('\n');
    if (nl != std::string::npos) detail = detail.substr(0, nl);
    throw std::runtime_error("rank " + std::to_string(rank) + " of " + std::to_string(worldSize) + " could not join the group at " + addr + ":" + std::to_string(port) + " within " +
                             std::to_string(static_cast<int64_t>(timeoutSec)) + " s (" + (rank == 0 ? "not every rank connected" : "is rank 0 running there?") + "): " + detail);
  }
  g->beat = std::thread(heartbeat, g.get());
  gGroup = g.release();
}

void destroy() {
  if (!gGroup) return;
  {
    std::lock_guard<std::mutex> lock(gGroup->mu);
    gGroup->stopping = true;
  }
  gGroup->cv.notify_all();
  if (gGroup->beat.joinable()) gGroup->beat.join();
  delete gGroup;
  gGroup = nullptr;
}

bool active() { return gGroup != nullptr; }
int rank() { return gGroup ? gGroup->rank : 0; }
int worldSize() { return gGroup ? gGroup->world : 1; }

bool hasNccl() {
#ifdef USE_C10D_NCCL
  return true;
#else
  return false;
#endif
}

void allReduceSum(const std::vector<at::Tensor>& tensors, int64_t bucketBytes) {
  inBuckets(tensors, bucketBytes, [](at::Tensor& buf) {
    run("allReduce", [&](Group& g) {
      std::vector<at::Tensor> v{buf};
      c10d::AllreduceOptions o;
      o.reduceOp = c10d::ReduceOp::SUM;
      o.timeout = g.timeout;
      return g.pg->allreduce(v, o);
    });
  });
}

void broadcast(const std::vector<at::Tensor>& tensors, int root, int64_t bucketBytes) {
  if (root < 0 || root >= worldSize()) throw std::invalid_argument("broadcast root " + std::to_string(root) + " is not a rank");
  inBuckets(tensors, bucketBytes, [root](at::Tensor& buf) {
    run("broadcast", [&](Group& g) {
      std::vector<at::Tensor> v{buf};
      c10d::BroadcastOptions o;
      o.rootRank = root;
      o.timeout = g.timeout;
      return g.pg->broadcast(v, o);
    });
  });
}

void barrier() {
  run("barrier", [](Group& g) {
    c10d::BarrierOptions o;
    o.timeout = g.timeout;
    return g.pg->barrier(o);
  });
}

at::Tensor allGather(const at::Tensor& t) {
  at::Tensor in = t.detach().contiguous();
  std::vector<std::vector<at::Tensor>> out(1);
  for (int r = 0; r < group().world; r++) out[0].push_back(at::empty_like(in));
  run("allGather", [&](Group& g) {
    std::vector<at::Tensor> v{in};
    c10d::AllgatherOptions o;
    o.timeout = g.timeout;
    return g.pg->allgather(out, v, o);
  });
  return at::stack(out[0]);
}

}  // namespace dist
}  // namespace cfa
