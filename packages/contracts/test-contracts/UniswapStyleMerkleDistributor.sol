// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title Reference for gas comparison: the Uniswap MerkleDistributor design
/// (github.com/Uniswap/merkle-distributor), rewritten here: an immutable root, leaf =
/// keccak256(abi.encodePacked(index, account, amount)), claimed indexes in a bitmap.
/// Test fixture only; never deployed by the network.
contract UniswapStyleMerkleDistributor {
    address public immutable token;
    bytes32 public immutable merkleRoot;
    mapping(uint256 => uint256) private claimedBitMap;

    event Claimed(uint256 index, address account, uint256 amount);

    error AlreadyClaimed();
    error InvalidProof();

    constructor(address token_, bytes32 merkleRoot_) {
        token = token_;
        merkleRoot = merkleRoot_;
    }

    function isClaimed(uint256 index) public view returns (bool) {
        uint256 word = claimedBitMap[index / 256];
        uint256 mask = (1 << (index % 256));
        return word & mask == mask;
    }

    function _setClaimed(uint256 index) private {
        claimedBitMap[index / 256] = claimedBitMap[index / 256] | (1 << (index % 256));
    }

    function claim(uint256 index, address account, uint256 amount, bytes32[] calldata merkleProof) external {
        if (isClaimed(index)) revert AlreadyClaimed();
        bytes32 node = keccak256(abi.encodePacked(index, account, amount));
        if (!MerkleProof.verifyCalldata(merkleProof, merkleRoot, node)) revert InvalidProof();
        _setClaimed(index);
        require(IERC20(token).transfer(account, amount), "transfer failed");
        emit Claimed(index, account, amount);
    }
}
